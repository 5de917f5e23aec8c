#!/usr/bin/env bash
# The CPU seconds some tests cost, before and after a change: the same test files run from two
# checkouts (BEFORE, e.g. a `git worktree` of main, and this one), one after the other, on
# SQLite and on PostgreSQL (as `make test-postgres` runs them: its marker, JIT off, the Unix
# socket). CPU rather than wall time, so that a machine busy with other work still gives a
# fair comparison: the test process and every process it starts (bench/cpu_with_orphans.py), and on
# PostgreSQL the server's backends too (/proc/<postmaster>/stat, the children it reaped).
#
#   git worktree add --detach /tmp/before main
#   bash bench/bench_test_cpu.sh /tmp/before tests/ingest/test_crash_safety.py
#   DATABASES=postgresql ROUNDS=2 bash bench/bench_test_cpu.sh /tmp/before tests/web/test_form_properties.py
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$HERE/.venv/bin/python}
[[ -x $PY ]] || PY=/work/main/.venv/bin/python

if [[ "${1:-}" == "--inside" ]]; then
  # Run by scripts/with-postgres.sh (or directly, on SQLite): pytest, then the server's CPU.
  shift
  times=$(mktemp)
  # Not /usr/bin/time: it misses the processes left to the machine's first process, Chromium's
  # renderers among them (half of the browser's CPU; bench/cpu_with_orphans.py).
  "$PY" "$HERE/bench/cpu_with_orphans.py" "$times" "$PY" -m pytest -p no:cacheprovider -n 0 -q "$@" >&2 || true
  read -r user system < <(tail -n 1 "$times")
  rm -f "$times"
  server=0
  if [[ -n "${PG_TEST_PORT:-}" && "${DATABASE_URL:-}" == postgres* ]]; then
    for pidfile in /tmp/evenbetter-pg.*/data/postmaster.pid; do
      [[ $(sed -n 4p "$pidfile") == "$PG_TEST_PORT" ]] && postmaster=$(head -n 1 "$pidfile")
    done
    server=$(awk -v tick="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / tick}' "/proc/$postmaster/stat")
  fi
  echo "$user $system $server"
  exit 0
fi

BEFORE=$(cd "${1:?usage: bench_test_cpu.sh BEFORE-CHECKOUT TEST-PATH...}" && pwd)
shift
(($#)) || set -- tests/ingest/test_crash_safety.py
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PG_TEST_PORT=${PG_TEST_PORT:-55502}
while ! port_is_free "$PG_TEST_PORT"; do PG_TEST_PORT=$((PG_TEST_PORT + 1)); done
# The server settings `make test-postgres` gives its server (the Makefile, PG_TEST_SERVER).
PG_TEST_OPTIONS=$(make --no-print-directory -s -C "$HERE" pg-test-server)
export PG_TEST_PORT PG_TEST_OPTIONS PG_TEST_SOCKET=1
VAR=${EVENBETTER_VAR_DIR:-$HERE/var/bench-test-cpu}
PG_MARKER="not browser and not same_on_any_database"

measure() {  # checkout, database, tests...
  local checkout=$1 database=$2
  shift 2
  if [[ $database == sqlite ]]; then
    (cd "$checkout" && env -u DATABASE_URL EVENBETTER_VAR_DIR="$VAR-sqlite" bash "$HERE/bench/bench_test_cpu.sh" --inside "$@" | tail -n 1)
  else
    (cd "$checkout" && EVENBETTER_VAR_DIR="$VAR-pg" bash scripts/with-postgres.sh \
      bash "$HERE/bench/bench_test_cpu.sh" --inside -m "$PG_MARKER" "$@" | tail -n 1)
  fi
}

for database in ${DATABASES:-sqlite postgresql}; do
  for round in $(seq "${ROUNDS:-1}"); do
    declare -A total=()
    for side in before after; do
      checkout=$HERE
      [[ $side == before ]] && checkout=$BEFORE
      read -r user system server < <(measure "$checkout" "$database" "$@")
      total[$side]=$(awk "BEGIN {print $user + $system + $server}")
      awk -v side="$side" -v db="$database" -v round="$round" -v tests="$(awk "BEGIN {print $user + $system}")" \
        -v server="$server" -v all="${total[$side]}" \
        'BEGIN {printf "%-10s round %d  %-6s  tests %7.1f CPU s  server %6.1f CPU s  in all %7.1f\n", db, round, side, tests, server, all}'
    done
    awk -v db="$database" "BEGIN {printf \"%-10s after / before: %.2f\\n\", db, ${total[after]} / ${total[before]}}"
  done
done
