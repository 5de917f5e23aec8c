"""An import killed part-way leaves nothing behind; two imports at once end as one clean import.

How they are built: each test runs `manage.py import_data` in separate processes against a
database of its own (a SQLite file under tmp_path, or a new PostgreSQL database on the server
that DATABASE_URL names: a copy of one `manage.py migrate` made once for the session, the
`migrated_database` fixture), and reads the database back through another process (the
fingerprint of evenbetter.ops). The processes are tests/ingest/import_process.py, which starts
Django once and takes steps in order, so one process loads the register and reads the database
back, or reads it back, imports again and reads it once more, where each step took a process of
its own (Django's start is about 1.6 CPU seconds); three processes a test, not six.
The import that is killed runs the same command with a smaller streaming chunk, so that it is
killed with most of its file still to come. The two imports at once overlap by a hold, not by
size: the first keeps its transaction open, its rows written, until the second is waiting for it
(docs/benchmarks.md, "make test, session 12").
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from evenbetter.ops.backup import fingerprint_differences

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PROCESS = Path(__file__).with_name("import_process.py")
URNS = [115850, 115851, 115864, 115865, 115869, 115900, 116275, 116294, 124935, 125116, 125131, 138764, 139557]
INDICATORS = [f"ind_{i}" for i in range(10)]
FIRST_DAY = dt.date(2015, 1, 1)
ROWS_PER_DAY = len(URNS) * len(INDICATORS)

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
    """A migrated database, reached only through processes of the site (tests/ingest/import_process.py)."""

    env: dict[str, str]
    folder: Path

    def setup_step(self, *long_files: Path) -> list[str]:
        """The register, a catalogue of ``INDICATORS``, then these long files."""
        catalogue = _catalogue(self.folder / "catalogue.csv")
        return ["setup", str(FIXTURES / "gias_sample.csv"), str(catalogue), *map(str, long_files)]

    def start(self, *steps: list[str]) -> subprocess.Popen[str]:
        words = [word for step in steps for word in ["+", *step]][1:]
        return subprocess.Popen(
            [sys.executable, str(PROCESS), *words],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *steps: list[str]) -> tuple[str, list[dict[str, Any]]]:
        """What the steps printed, and each snapshot they took; the process must succeed."""
        process = self.start(*steps)
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        snapshots = [
            json.loads(line.removeprefix("snapshot ")) for line in out.splitlines() if line.startswith("snapshot ")
        ]
        return out, snapshots


def _catalogue(path: Path) -> Path:
    lines = ["code,name,unit,direction,domain,comparison,minimum,maximum"]
    lines += [f"{code},Indicator {code},score,higher,outcomes,score,0,2000" for code in INDICATORS]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def scratch(tmp_path: Path, migrated_database: str) -> Scratch:
    env = dict(os.environ, EVENBETTER_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = migrated_database
    return Scratch(env, tmp_path)


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
    tmp_path: Path, scratch: Scratch
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
    _, (before,) = scratch.run(scratch.setup_step(earlier), ["snapshot"])
    assert before["content"] == content_of(there) and before["observations"] == len(there) == 13013

    big = scratch.folder / "big.csv"
    wanted = long_file(big, range(400))
    assert len(wanted) == 52_000
    started = time.monotonic()
    process = scratch.start(["command", str(big), "--chunk", "4000"])
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

    # Read back by a new process, which then imports the same file again and reads once more.
    out, (after_kill, final) = scratch.run(["snapshot"], ["import", str(big)], ["snapshot", "--no-fingerprint"])
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

    assert "Succeeded: 52000 rows read, 52000 accepted, 0 rejected" in out
    # 13,000 rows were there already (6,500 with other values); the rest are new.
    assert "39000 created, 6500 updated, 6500 unchanged" in out
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


def test_two_imports_of_overlapping_files_at_once_end_as_one_clean_import(scratch: Scratch) -> None:
    first = long_file(scratch.folder / "first.csv", range(40))
    second = long_file(scratch.folder / "second.csv", range(20, 60))
    assert len(first.keys() & second.keys()) == 20 * ROWS_PER_DAY
    # The first import holds its transaction open, every row of its file written (one chunk),
    # until the second is waiting for it: on PostgreSQL the second's rows meet the first's under
    # the unique constraint; on SQLite (one writer at a time) the second's first write waits for
    # the first to commit. Files of 5,200 rows overlap at once every time, where two of 156,000
    # rows only likely did.
    signals = scratch.folder / "signals"
    signals.mkdir()
    processes = {
        "first": scratch.start(
            scratch.setup_step(), ["command", str(scratch.folder / "first.csv"), "--hold", str(signals)]
        )
    }
    try:
        deadline = time.monotonic() + 120
        while not (signals / "holding").exists():
            assert processes["first"].poll() is None, processes["first"].communicate()
            assert time.monotonic() < deadline, "the first import never held its transaction open"
            time.sleep(0.05)
        processes["second"] = scratch.start(
            ["command", str(scratch.folder / "second.csv"), "--say-before-its-run", str(signals)]
        )
        outcomes: dict[str, tuple[int, str, str]] = {}
        for name, process in processes.items():
            out, err = process.communicate(timeout=180)
            outcomes[name] = (process.returncode, out, err)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()

    succeeded = {name for name, (code, out, _) in outcomes.items() if code == 0 and "Succeeded" in out}
    # What the first's hold makes certain: on PostgreSQL the second loses (its rows meet the
    # first's, committed while it waited); on SQLite it waits, then imports after the first.
    postgresql = scratch.env["DATABASE_URL"].startswith("postgres")
    assert succeeded == ({"first"} if postgresql else {"first", "second"}), outcomes
    # Whatever failed goes through when run again, in the process that reads the database back.
    again = [["import", str(scratch.folder / f"{name}.csv")] for name in sorted(outcomes.keys() - succeeded)]
    _, (snapshot, *after_again) = scratch.run(
        ["snapshot", "--no-fingerprint"], *again, *([["snapshot", "--no-fingerprint"]] if again else [])
    )

    runs = {run["file"]: run for run in snapshot["runs"] if run["file"] in ("first.csv", "second.csv")}
    assert runs.keys() == {"first.csv", "second.csv"}
    a, b = runs["first.csv"], runs["second.csv"]
    # Both really ran at once: each started before the other had finished.
    assert _at(a["started"]) < _at(b["finished"]) and _at(b["started"]) < _at(a["finished"]), runs

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

    # The data is that of one clean import of both files (after the loser's second run, if any).
    final = after_again[-1] if after_again else snapshot
    assert final["content"] == content_of(first | second)
    assert final["observations"] == 60 * ROWS_PER_DAY
