# Even Better — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint layers typecheck pytest test-postgres browser-deps demo bench clean help

help:
	@echo "make run    set up, build the demo if the database is empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, then ruff, mypy and every test (SQLite, PostgreSQL and the browser)"
	@echo "make bench  the load test (50 users, 60 s, national scale) and search benchmark, on SQLite and PostgreSQL"

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

pytest: $(DEV_STAMP) browser-deps
	EVENBETTER_VAR_DIR=$(CURDIR)/var/test $(VENV)/bin/pytest

# Everything that touches the database, again on PostgreSQL. Left out there: the browser
# tests, tests/analytics (pure Python, no database: the same result on any) and the demo's
# rebuild-twice idempotence check (the demo is still built and checked once).
test-postgres: $(DEV_STAMP)
	EVENBETTER_VAR_DIR=$(CURDIR)/var/test-pg bash scripts/with-postgres.sh $(VENV)/bin/pytest -m "not browser" -q \
		--ignore=tests/analytics \
		--deselect tests/demo/test_demo_build.py::test_building_the_demo_twice_changes_nothing

test: lint typecheck pytest test-postgres

# Figures for docs/benchmarks.md (about 15 minutes; not part of `make test`).
bench: $(DEV_STAMP)
	cd bench && ../$(PY) load_test.py 50 60
	cd bench && bash ../scripts/with-postgres.sh ../$(PY) load_test.py 50 60
	cd bench && ../$(PY) bench_practice_search.py 10000 5
	cd bench && bash ../scripts/with-postgres.sh ../$(PY) bench_practice_search.py 10000 5

clean:
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache
