"""The CPU seconds of ``manage.py migrate`` on an empty database, before and after a change to the
migrations: the same command run from two checkouts (BEFORE, e.g. a ``git worktree`` of main, and
this one), turn about, each into a new empty database. On SQLite, the process's CPU; under
``scripts/with-postgres.sh``, the server's backends' CPU too (what the postmaster reaped while it
ran, from /proc). A new installation's first ``make run``, each stage's migrated template in
``make test`` (tests/scratch_database.py) and the fresh clone's test each run this command once.

    git worktree add --detach /tmp/before main
    .venv/bin/python bench/bench_migrate.py /tmp/before 5
    PG_TEST_PORT=55471 bash scripts/with-postgres.sh .venv/bin/python bench/bench_migrate.py /tmp/before 5
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def _postmaster_cpu(port: str) -> float:
    """The CPU seconds of the server's backends that have ended (the postmaster's reaped children)."""
    for pidfile in Path("/tmp").glob("evenbetter-pg.*/data/postmaster.pid"):  # noqa: S108 — scripts/with-postgres.sh puts it there
        lines = pidfile.read_text().splitlines()
        if lines[3] == port:
            fields = Path(f"/proc/{lines[0]}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[13]) + int(fields[14])) / TICK  # cutime + cstime
    raise SystemExit(f"no PostgreSQL server of scripts/with-postgres.sh on port {port}")


def migrate(checkout: Path, folder: Path) -> tuple[float, float]:
    """One ``manage.py migrate`` from ``checkout`` into a new empty database: (its CPU, the server's)."""
    server_url = os.environ.get("DATABASE_URL", "")
    environment = {**os.environ, "EVENBETTER_VAR_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "config.settings"}
    port, server_before = None, 0.0
    if server_url.startswith(("postgres://", "postgresql://")):
        name = f"bench_migrate_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        environment["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + f"/{name}"
        port = os.environ["PG_TEST_PORT"]
        server_before = _postmaster_cpu(port)
    else:
        environment["DATABASE_URL"] = f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
    child = subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=checkout, env=environment
    )
    _, status, usage = os.wait4(child.pid, 0)
    assert status == 0, f"manage.py migrate failed in {checkout}"
    server = _postmaster_cpu(port) - server_before if port is not None else 0.0
    return usage.ru_utime + usage.ru_stime, server


def main() -> None:
    before, rounds = Path(sys.argv[1]).resolve(), int(sys.argv[2]) if len(sys.argv) > 2 else 5
    totals: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(1, rounds + 1):
            for side, checkout in (("before", before), ("after", HERE)):
                process, server = migrate(checkout, Path(folder))
                totals[side].append(process + server)
                print(
                    f"round {round_}  {side:6s}  migrate {process:5.2f} CPU s  server {server:5.2f}  in all {process + server:5.2f}"
                )
    medians = {side: statistics.median(values) for side, values in totals.items()}
    print(
        f"median: before {medians['before']:.2f} CPU s, after {medians['after']:.2f}; after / before {medians['after'] / medians['before']:.2f}"
    )


if __name__ == "__main__":
    main()
