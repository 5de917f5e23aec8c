"""A process of the site for tests/ingest/test_crash_safety.py: Django started once, then steps in
order, each a word followed by its arguments, steps separated by ``+``:

- ``setup GIAS CATALOGUE [LONG ...]``: the register, the indicator catalogue and these long
  files, each through ``import_data`` (``call_command``);
- ``snapshot [--no-fingerprint]``: what the database holds, printed as one line
  ``snapshot {json}`` (the fingerprint of every table of evenbetter.ops, the import runs, the
  observations' checksum and count, and SQLite's integrity check);
- ``import PATH``: ``import_data PATH --format long`` through ``call_command``, its summary
  printed (a failed import ends the process with its error);
- ``command PATH [--chunk N] [--hold DIR] [--say-before-its-run DIR]``, the last step: ``manage.py
  import_data PATH --format long`` as the command line runs it (its exit code, its messages),
  with the streaming import's chunk set smaller (``--chunk``, as
  tests/ingest/test_streaming_import.py sets it in-process: a progress line comes after each
  chunk is written); with ``--hold``, once its first progress line is out (in the import's open
  transaction) it says so (``DIR/holding``) and waits until another import is waiting for it
  (``DIR/waiting``, and on PostgreSQL a backend of this database blocked by this one's
  transaction); with ``--say-before-its-run``, the import writes ``DIR/waiting`` just before it
  writes its run's record (the run's start time is set by then).

One process does what took one each (Django's start is about 1.6 CPU seconds): the import is
the site's own code throughout; the hold only waits, between two of its steps, for a moment that
sheer size (two 156,000-row files) made likely before.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command, execute_from_command_line  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from evenbetter.indicators.models import ImportRun, Observation  # noqa: E402
from evenbetter.ingest import observations  # noqa: E402
from evenbetter.ingest.management.commands import import_data  # noqa: E402
from evenbetter.ops.backup import database_fingerprint  # noqa: E402

HOLD_SECONDS = 120  # how long a held import waits for the other before it gives up


def setup(gias: str, catalogue: str, *long_files: str) -> None:
    call_command("import_data", gias, "--format", "gias")
    call_command("import_data", catalogue, "--format", "indicator_catalogue")
    for path in long_files:
        call_command("import_data", path, "--format", "long")


def snapshot(*flags: str) -> None:
    rows = sorted(
        Observation.objects.values_list("school__urn", "indicator__code", "period", "value", "status").iterator(
            chunk_size=20000
        )
    )
    content = hashlib.sha256("".join(json.dumps(row) + "\n" for row in rows).encode()).hexdigest()
    kept = dict(Observation.objects.values_list("import_run").annotate(n=Count("pk")).values_list("import_run", "n"))
    runs = [
        {"pk": pk, "file": file, "status": status, "rows_read": read, "created": created, "updated": updated,
         "unchanged": unchanged, "started": started.isoformat(), "finished": finished and finished.isoformat(),
         "observations": kept.get(pk, 0), "problems": [problem["message"] for problem in problems]}
        for pk, file, status, read, created, updated, unchanged, started, finished, problems in
        ImportRun.objects.order_by("pk").values_list(
            "pk", "file_name", "status", "rows_read", "records_created", "records_updated", "records_unchanged",
            "started_at", "finished_at", "problems",
        )
    ]  # fmt: skip
    integrity = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = cursor.fetchone()[0]
    fingerprint = None if "--no-fingerprint" in flags else database_fingerprint()
    said = {"fingerprint": fingerprint, "runs": runs, "observations": len(rows), "content": content}
    print("snapshot", json.dumps(said | {"integrity": integrity}), flush=True)


def import_long(path: str) -> None:
    call_command("import_data", path, "--format", "long", stdout=sys.stdout)
    sys.stdout.flush()


def _other_waits(folder: Path) -> bool:
    if not (folder / "waiting").exists():
        return False
    if connection.vendor != "postgresql":
        return True  # SQLite's one writer: the other's first write waits for this transaction
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
            " AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
        )
        return bool(cursor.fetchone()[0])


def _held(progress: Callable[[Any, int], None], folder: Path) -> Callable[[Any, int], None]:
    def held(command: Any, rows: int) -> None:
        progress(command, rows)
        if (folder / "holding").exists():
            return
        (folder / "holding").touch()
        deadline = time.monotonic() + HOLD_SECONDS
        while not _other_waits(folder):
            if time.monotonic() > deadline:
                sys.stderr.write(f"held for {HOLD_SECONDS} s and no other import waited\n")
                os._exit(3)
            time.sleep(0.05)

    return held


def _say_before_its_run(folder: Path) -> None:
    def say(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(f"INSERT INTO {connection.ops.quote_name(ImportRun._meta.db_table)}"):
            (folder / "waiting").touch()
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(say)


def command(path: str, *options: str) -> None:
    given = dict(zip(options[::2], options[1::2], strict=True))
    if "--chunk" in given:
        observations.STREAM_CHUNK = int(given["--chunk"])
    if "--hold" in given:
        import_data.Command._progress = _held(import_data.Command._progress, Path(given["--hold"]))  # type: ignore[method-assign]
    if "--say-before-its-run" in given:
        _say_before_its_run(Path(given["--say-before-its-run"]))
    execute_from_command_line(["manage.py", "import_data", path, "--format", "long"])


STEPS: dict[str, Callable[..., None]] = {
    "setup": setup,
    "snapshot": snapshot,
    "import": import_long,
    "command": command,
}

if __name__ == "__main__":
    step: list[str] = []
    for word in [*sys.argv[1:], "+"]:
        if word == "+":
            STEPS[step[0]](*step[1:])
            step = []
        else:
            step.append(word)
