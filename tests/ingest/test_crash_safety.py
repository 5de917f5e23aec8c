"""An import killed part-way leaves nothing behind; two imports at once end as one clean import.

Each test runs `manage.py import_data` in separate processes against a database of its
own (a SQLite file under tmp_path, or a new PostgreSQL database on the server that
DATABASE_URL names: a copy of one `manage.py migrate` made once for the session, the
`migrated_database` fixture), loaded with the register by a subprocess first, and
reads the database back through another subprocess (the fingerprint of evenbetter.ops).
The import that is killed runs the same command with a smaller streaming chunk (see
IMPORT_IN_CHUNKS), so that it is killed with most of its file still to come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from evenbetter.ops.backup import fingerprint_differences

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
URNS = [115850, 115851, 115864, 115865, 115869, 115900, 116275, 116294, 124935, 125116, 125131, 138764, 139557]
INDICATORS = [f"ind_{i}" for i in range(10)]
FIRST_DAY = dt.date(2015, 1, 1)
ROWS_PER_DAY = len(URNS) * len(INDICATORS)

SETUP = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("import_data", sys.argv[1], "--format", "gias")
call_command("import_data", sys.argv[2], "--format", "indicator_catalogue")
for path in sys.argv[3:]:
    call_command("import_data", path, "--format", "long")
"""

# `manage.py import_data …` with the streaming import's chunk set smaller (its first argument),
# as tests/ingest/test_streaming_import.py sets it in-process: the kill test needs a progress
# line (one comes after each chunk is written) long before the end of its file, and a small
# chunk gives one without a file of hundreds of thousands of rows.
IMPORT_IN_CHUNKS = """
import sys
import django
django.setup()
from django.core.management import execute_from_command_line
from evenbetter.ingest import observations
observations.STREAM_CHUNK = int(sys.argv[1])
execute_from_command_line(["manage.py", *sys.argv[2:]])
"""

# What the database holds, read by a process of its own: the fingerprint of every table,
# the import runs, and the observations as (URN, indicator, period, value, status), sorted.
SNAPSHOT = """
import hashlib, json, sys
import django
django.setup()
from django.db import connection
from django.db.models import Count
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ops.backup import database_fingerprint
rows = sorted(
    Observation.objects.values_list("school__urn", "indicator__code", "period", "value", "status").iterator(
        chunk_size=20000
    )
)
content = hashlib.sha256("".join(json.dumps(row) + "\\n" for row in rows).encode()).hexdigest()
kept = dict(Observation.objects.values_list("import_run").annotate(n=Count("pk")).values_list("import_run", "n"))
runs = [
    {"pk": pk, "file": file, "status": status, "rows_read": read, "created": created, "updated": updated,
     "unchanged": unchanged, "started": started.isoformat(), "finished": finished and finished.isoformat(),
     "observations": kept.get(pk, 0), "problems": [problem["message"] for problem in problems]}
    for pk, file, status, read, created, updated, unchanged, started, finished, problems in ImportRun.objects.order_by(
        "pk"
    ).values_list(
        "pk", "file_name", "status", "rows_read", "records_created", "records_updated", "records_unchanged",
        "started_at", "finished_at", "problems",
    )
]
integrity = None
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        integrity = cursor.fetchone()[0]
fingerprint = None if "--no-fingerprint" in sys.argv else database_fingerprint()
print(json.dumps({"fingerprint": fingerprint, "runs": runs, "observations": len(rows),
                  "content": content, "integrity": integrity}))
"""

Key = tuple[int, str, str]


def value_of(urn: int, day: int, indicator: int) -> float:
    return float((urn + day * 7 + indicator) % 1000)


def long_file(path: Path, days: range, shift: int = 0, *, append: bool = False) -> dict[Key, float]:
    """A long file of every school and indicator on each day (or more rows for one); returns what it says."""
    said: dict[Key, float] = {}
    with path.open("a" if append else "w") as out:
        if not append:
            out.write("school_id,period,indicator,value\n")
        for day in days:
            period = (FIRST_DAY + dt.timedelta(days=day)).isoformat()
            for urn in URNS:
                for i, code in enumerate(INDICATORS):
                    value = value_of(urn, day, i) + shift
                    out.write(f"{urn},{period},{code},{value:g}\n")
                    said[(urn, code, period)] = value
    return said


def content_of(values: dict[Key, float]) -> str:
    """The snapshot's content checksum for a database holding exactly these values."""
    rows = sorted((urn, code, period, value, "value") for (urn, code, period), value in values.items())
    return hashlib.sha256("".join(json.dumps(row) + "\n" for row in rows).encode()).hexdigest()


@dataclass
class Scratch:
    """A migrated database with the register and a catalogue, reached only through subprocesses."""

    env: dict[str, str]
    folder: Path

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def start_import(self, path: Path, *, chunk: int | None = None) -> subprocess.Popen[str]:
        arguments = ["import_data", str(path), "--format", "long"]
        command = (
            [sys.executable, "-c", IMPORT_IN_CHUNKS, str(chunk), *arguments] if chunk else self.command(*arguments)
        )
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def python(self, code: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def snapshot(self, *, fingerprint: bool = True) -> dict[str, Any]:
        return json.loads(
            self.python(SNAPSHOT, *([] if fingerprint else ["--no-fingerprint"])).strip().splitlines()[-1]
        )


def _catalogue(path: Path) -> Path:
    lines = ["code,name,unit,direction,domain,comparison,minimum,maximum"]
    lines += [f"{code},Indicator {code},score,higher,outcomes,score,0,2000" for code in INDICATORS]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def make_scratch(tmp_path: Path, migrated_database: str) -> Callable[..., Scratch]:
    """``make_scratch(*long_files)``: the database, with these long files imported after the register."""
    env = dict(os.environ, EVENBETTER_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = migrated_database

    def make(*long_files: Path) -> Scratch:
        made = Scratch(env, tmp_path)
        made.python(
            SETUP,
            str(FIXTURES / "gias_sample.csv"),
            str(_catalogue(tmp_path / "catalogue.csv")),
            *map(str, long_files),
        )
        return made

    return make


def _wait_for_line(process: subprocess.Popen[str], wanted: str, seconds: float) -> list[str]:
    """The stderr lines of ``process`` up to the first holding ``wanted`` (or fail after ``seconds``)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if wanted in line:
            return seen
    process.kill()
    pytest.fail(f"the import never said {wanted!r}: {''.join(seen)[-2000:]}")


def test_an_import_killed_part_way_writes_nothing_and_the_same_import_then_succeeds(
    tmp_path: Path, make_scratch: Callable[..., Scratch]
) -> None:
    # Values already there: the big file changes those of the first 50 days and keeps the
    # next 50; a year it does not mention stays as it is.
    earlier = tmp_path / "earlier.csv"
    with earlier.open("w") as out:
        out.write("school_id,period,indicator,value\n")
        out.writelines(f"{urn},2014/15,ind_0,{urn % 100}\n" for urn in URNS)
    there = {(urn, "ind_0", "2014/15"): float(urn % 100) for urn in URNS}
    there |= long_file(earlier, range(50), shift=1, append=True)
    there |= long_file(earlier, range(50, 100), append=True)
    scratch = make_scratch(earlier)
    before = scratch.snapshot()
    assert before["content"] == content_of(there) and before["observations"] == len(there) == 13013

    big = scratch.folder / "big.csv"
    wanted = long_file(big, range(400))
    assert len(wanted) == 52_000
    started = time.monotonic()
    process = scratch.start_import(big, chunk=4_000)
    try:
        # A progress line comes after each chunk of 4,000 rows is written (in the open
        # transaction): by the first, 4,000 rows are in, and 48,000 (twelve chunks) still to come.
        _wait_for_line(process, "4,000 rows read so far", seconds=60)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    killed_after = time.monotonic() - started

    after_kill = scratch.snapshot()
    assert after_kill["integrity"] in (None, "ok")
    assert after_kill["content"] == before["content"] and after_kill["observations"] == len(there)
    assert fingerprint_differences(before["fingerprint"], after_kill["fingerprint"]) == [
        "indicators_importrun: 4 rows, the backup had 3"
    ], "only the killed run's own record is new"
    assert after_kill["runs"][:-1] == before["runs"]
    killed = after_kill["runs"][-1]
    assert (killed["file"], killed["status"], killed["finished"], killed["observations"]) == (
        "big.csv",
        "running",
        None,
        0,
    ), f"killed after {killed_after:.1f} s"

    done = scratch.run("import_data", str(big), "--format", "long")
    assert done.returncode == 0, done.stderr
    assert "Succeeded: 52000 rows read, 52000 accepted, 0 rejected" in done.stdout
    # 13,000 rows were there already (6,500 with other values); the rest are new.
    assert "39000 created, 6500 updated, 6500 unchanged" in done.stdout
    final = scratch.snapshot(fingerprint=False)
    assert final["content"] == content_of(there | wanted)
    assert final["observations"] == 52_000 + 13
    # The earlier runs stay as they were (their values the big file changed are now its own) …
    assert [_record(run) for run in final["runs"][:-2]] == [_record(run) for run in before["runs"]]
    assert final["runs"][-1]["status"] == "succeeded"
    # … except the killed one: the next import saw that its process was gone, and says so.
    marked = final["runs"][-2]
    assert _record(marked) | {"status": "running", "problems": []} == _record(killed)
    assert marked["status"] == "interrupted" and marked["finished"] is None
    assert marked["problems"] == [
        "the import stopped part-way (its process ended before it finished: killed, out of memory or the "
        "machine stopped); nothing was written — run it again"
    ]


def _record(run: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in run.items() if name != "observations"}


# What the import that loses a race says: the unique constraint (PostgreSQL), or SQLite's lock
# held by the other for longer than the busy timeout.
LOSER_MESSAGES = {
    "another import was writing the same values at the same time; nothing was written — run it again",
    "the database was kept busy by another import for too long (database is locked); nothing was written — "
    "run it again",
}


def _at(moment: str | None) -> dt.datetime:
    # A run that never finished (it failed part-way) lasted, for this purpose, for ever.
    return dt.datetime.fromisoformat(moment) if moment else dt.datetime.max.replace(tzinfo=dt.UTC)


def test_two_imports_of_overlapping_files_at_once_end_as_one_clean_import(
    make_scratch: Callable[..., Scratch],
) -> None:
    scratch = make_scratch()
    first = long_file(scratch.folder / "first.csv", range(1200))
    second = long_file(scratch.folder / "second.csv", range(600, 1800))
    assert len(first.keys() & second.keys()) == 600 * ROWS_PER_DAY
    processes = {name: scratch.start_import(scratch.folder / f"{name}.csv") for name in ("first", "second")}
    outcomes: dict[str, tuple[int, str, str]] = {}
    try:
        for name, process in processes.items():
            out, err = process.communicate(timeout=120)
            outcomes[name] = (process.returncode, out, err)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()

    snapshot = scratch.snapshot(fingerprint=False)
    runs = {run["file"]: run for run in snapshot["runs"] if run["file"] in ("first.csv", "second.csv")}
    assert runs.keys() == {"first.csv", "second.csv"}
    a, b = runs["first.csv"], runs["second.csv"]
    # Both really ran at once: each started before the other had finished.
    assert _at(a["started"]) < _at(b["finished"]) and _at(b["started"]) < _at(a["finished"]), runs

    succeeded = {name for name, (code, out, _) in outcomes.items() if code == 0 and "Succeeded" in out}
    assert succeeded, outcomes
    for name in outcomes.keys() - succeeded:
        code, _, err = outcomes[name]
        # A clean failure (on PostgreSQL, the import that came second meets the other's rows
        # under the unique constraint; on SQLite, one that waited too long for the other):
        # no traceback, the command says why and that nothing was written, and so does its run.
        lines = err.strip().splitlines()
        assert code == 1 and "Traceback" not in err, err[-3000:]
        assert lines[-1].startswith("CommandError: Failed: nothing written:"), err[-3000:]
        said = [line for line in lines if line.startswith(f"error: {name}.csv: ")]
        assert len(said) == 1 and said[0].removeprefix(f"error: {name}.csv: ") in LOSER_MESSAGES, err[-3000:]
        loser = runs[f"{name}.csv"]
        assert (loser["status"], loser["observations"], loser["created"]) == ("failed", 0, 0)
        assert loser["finished"] is not None and loser["problems"] == [said[0].removeprefix(f"error: {name}.csv: ")]
    written = {}
    for name in sorted(succeeded):
        written |= first if name == "first" else second
    assert snapshot["content"] == content_of(written)
    assert snapshot["observations"] == len(written)

    # Whatever failed goes through when run again, and the data is that of one clean import.
    for name in outcomes.keys() - succeeded:
        done = scratch.run("import_data", str(scratch.folder / f"{name}.csv"), "--format", "long")
        assert done.returncode == 0, done.stderr
    final = scratch.snapshot(fingerprint=False)
    assert final["content"] == content_of(first | second)
    assert final["observations"] == 1800 * ROWS_PER_DAY
