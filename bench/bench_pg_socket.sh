#!/usr/bin/env bash
# PostgreSQL tests reaching the server over TCP on the loopback, then over its Unix socket
# (PG_TEST_SOCKET=1, as `make test-postgres` does): the CPU seconds of the test process and
# of the server's backends each way, and the ratio. CPU rather than wall time, so that a
# machine busy with other work still gives a fair comparison.
#
#   bash bench/bench_pg_socket.sh                      # the permission matrix and the API's who-may-read-what
#   bash bench/bench_pg_socket.sh tests/benchmarks     # or any tests
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

if [[ "${1:-}" == "--inside" ]]; then
  # Run by scripts/with-postgres.sh: pytest, then the CPU of the backends the server reaped.
  shift
  times=$(mktemp)
  /usr/bin/time -o "$times" -f "%U %S" "$PY" -m pytest -p no:cacheprovider -n 0 -q "$@" >&2
  cpu=$(tail -n 1 "$times")
  rm -f "$times"
  for pidfile in /tmp/evenbetter-pg.*/data/postmaster.pid; do
    [[ $(sed -n 4p "$pidfile") == "$PG_TEST_PORT" ]] && postmaster=$(head -n 1 "$pidfile")
  done
  server=$(awk -v tick="$(getconf CLK_TCK)" '{print ($16 + $17) / tick}' "/proc/$postmaster/stat")
  echo "$cpu $server"
  exit 0
fi

(($#)) || set -- tests/web/test_page_permissions.py tests/api/test_who_may_read_what.py
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PG_TEST_PORT=${PG_TEST_PORT:-54339}
while ! port_is_free "$PG_TEST_PORT"; do PG_TEST_PORT=$((PG_TEST_PORT + 1)); done
export PG_TEST_PORT PG_TEST_OPTIONS="-c jit=off" EVENBETTER_VAR_DIR=${EVENBETTER_VAR_DIR:-$PWD/var/bench-pg}

declare -A total
for way in tcp socket; do
  socket=""
  [[ $way == socket ]] && socket=1
  read -r user system server < <(PG_TEST_SOCKET=$socket bash scripts/with-postgres.sh bash "$0" --inside "$@" | tail -n 1)
  total[$way]=$(awk "BEGIN {print $user + $system + $server}")
  awk -v way="$way" -v tests="$(awk "BEGIN {print $user + $system}")" -v server="$server" -v all="${total[$way]}" \
    'BEGIN {printf "%-6s  tests %6.1f CPU s  server %6.1f CPU s  in all %6.1f\n", way, tests, server, all}'
done
awk "BEGIN {printf \"socket / tcp: %.2f\\n\", ${total[socket]} / ${total[tcp]}}"
