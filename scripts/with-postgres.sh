#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on a loopback port, then stop it.
# Installs Debian's postgresql when no server binaries are present.
set -euo pipefail
# PG_TEST_PORT, or the first free port from 54329 on (so that two runs on one machine, or a
# run beside `make bench`, do not meet).
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${PG_TEST_PORT:-}"
if [[ -z "$PORT" ]]; then
  PORT=54329
  while ! port_is_free "$PORT"; do PORT=$((PORT + 1)); done
fi
# PG_TEST_OPTIONS: more server settings, e.g. "-c jit=off".
# PG_TEST_SOCKET=1: the command reaches the server through its Unix socket rather than TCP on
# the loopback (less work for every query on both sides; `make test-postgres` sets it; the
# benches keep TCP, as a server on another machine would be reached).
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/pg_ctl" ]]; then
  echo "Installing Debian's postgresql for the PostgreSQL test run…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

datadir=$(mktemp -d /tmp/evenbetter-pg.XXXXXX)
chmod 755 "$datadir"
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres:postgres "$datadir"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
cleanup() {
  as_pg "$bindir/pg_ctl" -D "$datadir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$datadir/data" -U evenbetter --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $datadir -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_TEST_OPTIONS:-}" start >/dev/null
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT${PG_TEST_SOCKET:+ (and its socket in $datadir)}"
if [[ -n "${PG_TEST_SOCKET:-}" ]]; then
  # The socket's folder as the host, its slashes written %2F (libpq and dj-database-url read it so).
  export DATABASE_URL="postgres://evenbetter@${datadir//\//%2F}:$PORT/postgres"
else
  export DATABASE_URL="postgres://evenbetter@127.0.0.1:$PORT/postgres"
fi
# pytest-xdist workers each make a test database of their own on this server (test_postgres_gw0 …).
"$@"
