# Even Better — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint layers typecheck pytest test-postgres pg-test-server browser-deps demo bench clean help

help:
	@echo "make run    set up, build the demo if the database is empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, then ruff, mypy and every test (SQLite, PostgreSQL and the browser)"
	@echo "make bench  the load test (50 users, 60 s, national scale) and search benchmark, on SQLite and PostgreSQL"

# Python keeps what it compiles, and pytest the test modules it rewrites, in __pycache__ (which
# git ignores): on a machine that sets PYTHONDONTWRITEBYTECODE every process of the suite (four
# pytest workers, and every manage.py, worker and web server a test starts) would compile the
# project and rewrite the tests again — 12 CPU s a pytest process against 6.
unexport PYTHONDONTWRITEBYTECODE

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo --if-empty
	@echo "Even Better is at http://$(HOST):$(PORT)/ with a jobs worker beside it  (Ctrl-C stops both; the data stays in var/)"
	bash scripts/run.sh $(PY) $(HOST) $(PORT)

demo: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo

browser-deps:
	@bash scripts/ensure-chromium.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The import contracts of pyproject.toml [tool.importlinter] (see docs/architecture.md).
layers: $(DEV_STAMP)
	$(VENV)/bin/lint-imports

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy

# Tests run in parallel, one pytest-xdist worker a core (nproc; these machines have 2; TEST_WORKERS=n to change): each worker
# has a test database of its own (pytest-django) and its own folder in the var folder
# (tests/conftest.py). loadgroup sends the tests of a module with a module-scoped fixture
# (the demo, built once from every real file) to one worker, so it is built only once.
XDIST := -n $(or $(TEST_WORKERS),$(shell nproc 2>/dev/null || echo 2)) --dist loadgroup

pytest: $(DEV_STAMP) browser-deps
	EVENBETTER_VAR_DIR=$(CURDIR)/var/test $(VENV)/bin/pytest $(XDIST)

# Again on PostgreSQL: every test but the browser tests and those marked
# `same_on_any_database` (what they prove cannot differ between the two databases: who may
# open what, headers, wording; docs/architecture.md, Tests, says which and why). A new test
# runs on both unless it says otherwise. EVENBETTER_TEST_STAGE=postgresql makes that choice
# (tests/conftest.py, in_stage), and takes over from `make test`'s SQLite stage the modules that
# reach no database of the stage's — pure Python (tests/analytics, the simulator) and the
# processes always given a SQLite file of their own (the fresh clone, production settings) —
# and two marked modules (the planted signal, who may read what through the API), which run
# once, here: the SQLite stage (the browser, the demo) is the longer.
# The server's JIT compiler is off: it compiled the imports' and refreshes' bigger queries
# on every run, which took the import tests 10-15% longer. PG_TEST_SOCKET=1: the tests reach
# the server through its Unix socket, not TCP (8% less CPU, test processes and server
# together, on the permission matrix; docs/benchmarks.md). The server itself runs with
# fsync, synchronous_commit and full_page_writes off (scripts/with-postgres.sh): a test
# server's data is thrown away. For the tests only (not the benches, whose national-scale
# queries need the statistics autovacuum's ANALYZE gathers): no autovacuum, and WAL at its
# minimum, never checkpointed by size or time during the run — the import tests' committed
# writes set autovacuum and checkpoints going (server CPU 102 -> 73 s on tests/api, ingest and
# schools; docs/benchmarks.md, "make test, session 13").
PG_TEST_SERVER := -c jit=off -c autovacuum=off -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=4GB -c checkpoint_timeout=1h
pg-test-server:
	@echo '$(PG_TEST_SERVER)'

test-postgres: $(DEV_STAMP)
	EVENBETTER_VAR_DIR=$(CURDIR)/var/test-pg PG_TEST_OPTIONS="$(PG_TEST_SERVER)" PG_TEST_SOCKET=1 EVENBETTER_TEST_STAGE=postgresql \
		bash scripts/with-postgres.sh $(VENV)/bin/pytest $(XDIST) -q

# ruff and mypy first (20 seconds, and the quickest to fail; beside them, on the other core, the
# tests are collected once so that the workers find them compiled and rewritten), then SQLite with
# the browser and PostgreSQL at the same time: each stage alone left a quarter of the two cores
# idle (the browser waiting for pages, subprocesses starting, one long test at a stage's end),
# and the other stage's tests fill those gaps. PostgreSQL's output is kept in
# var/test-postgres.log and shown when both are done; each stage's time and the total at the end.
STAGE = bash scripts/stage.sh
test: $(DEV_STAMP) browser-deps
	@start=$$(date +%s); mkdir -p var; \
	EVENBETTER_VAR_DIR=$(CURDIR)/var/test-collect $(VENV)/bin/pytest --collect-only -q -p no:cacheprovider \
		>/dev/null 2>&1 & collected=$$!; \
	$(STAGE) "ruff and mypy" $(MAKE) --no-print-directory lint typecheck; checked=$$?; wait $$collected; \
	[ $$checked -eq 0 ] && { $(STAGE) "PostgreSQL" $(MAKE) --no-print-directory test-postgres > var/test-postgres.log 2>&1 & \
		postgres=$$!; \
		EVENBETTER_TEST_STAGE=sqlite $(STAGE) "SQLite and the browser" $(MAKE) --no-print-directory pytest; sqlite=$$?; \
		wait $$postgres; postgres=$$?; \
		printf '\n== PostgreSQL, beside SQLite (var/test-postgres.log):\n\n'; cat var/test-postgres.log; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; }; \
	status=$$?; seconds=$$(( $$(date +%s) - start )); \
	printf '\nmake test: %s in %dm %02ds\n' "$$( [ $$status -eq 0 ] && echo passed || echo FAILED )" \
		$$(( seconds / 60 )) $$(( seconds % 60 )); \
	exit $$status

# Figures for docs/benchmarks.md (about 15 minutes; not part of `make test`).
bench: $(DEV_STAMP)
	cd bench && ../$(PY) load_test.py 50 60
	cd bench && bash ../scripts/with-postgres.sh ../$(PY) load_test.py 50 60
	cd bench && ../$(PY) bench_practice_search.py 10000 5
	cd bench && bash ../scripts/with-postgres.sh ../$(PY) bench_practice_search.py 10000 5

clean:
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache
