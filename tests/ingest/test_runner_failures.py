"""An import the database refuses, or that stops part-way, ends with a failed (or interrupted)
run that says why, and nothing written; a run left "running" by a dead process is marked
interrupted. (The real races and kills, in separate processes, are in test_crash_safety.py.)"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.indicators.runs import mark_interrupted_runs, this_process
from evenbetter.ingest import runner
from evenbetter.ingest.formats.generic import LongFile
from evenbetter.ingest.runner import import_file

pytestmark = pytest.mark.django_db

CATALOGUE = b"code,name,unit,direction,domain,comparison\nscore,A score,score,higher,outcomes,score\n"
VALUES = b"school_id,period,indicator,value\n115850,2018/19,score,1\n125116,2018/19,score,2\n"


@pytest.fixture
def catalogue(register: ImportRun) -> None:
    run = import_file(content=CATALOGUE, file_name="catalogue.csv", source_format="indicator_catalogue")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems


def _writes_then_raises(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The long format writes its rows, then the database (or something) fails before the end."""
    load = LongFile.load

    def failing(self: LongFile, *args: Any, **kwargs: Any) -> Any:
        load(self, *args, **kwargs)
        assert Observation.objects.count() == 2, "the rows were written in the open transaction"
        raise error

    monkeypatch.setattr(LongFile, "load", failing)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            IntegrityError('duplicate key value violates unique constraint "observation_unique_period"'),
            runner.CONCURRENT_WRITE,
        ),
        (OperationalError("database is locked"), "kept busy by another import for too long (database is locked)"),
        (OperationalError("server closed the connection"), "the database refused the import"),
    ],
)
def test_a_write_the_database_refuses_fails_the_run_with_a_clear_message_and_writes_nothing(
    catalogue: None, monkeypatch: pytest.MonkeyPatch, error: Exception, message: str
) -> None:
    _writes_then_raises(monkeypatch, error)
    run = import_file(content=VALUES, file_name="values.csv", source_format="long")
    assert run.status == ImportRun.Status.FAILED
    assert not Observation.objects.exists()
    assert run.finished_at is not None
    assert (run.records_created, run.rows_accepted) == (0, 0)
    [problem] = run.problems
    assert problem["file"] == "values.csv" and problem["severity"] == "error"
    assert message in str(problem["message"]) and "nothing was written" in str(problem["message"])
    # The same file then goes through.
    monkeypatch.undo()
    assert import_file(content=VALUES, file_name="values.csv", source_format="long").records_created == 2


def test_an_unexpected_error_is_recorded_as_a_failed_run_and_still_raised(
    catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _writes_then_raises(monkeypatch, KeyError("a bug"))
    with pytest.raises(KeyError):
        import_file(content=VALUES, file_name="values.csv", source_format="long")
    run = ImportRun.objects.get(file_name="values.csv")
    assert run.status == ImportRun.Status.FAILED and run.finished_at is not None
    assert "unexpected error (KeyError: 'a bug')" in str(run.problems[0]["message"])
    assert not Observation.objects.exists()


def test_an_import_stopped_by_hand_is_recorded_as_interrupted(catalogue: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _writes_then_raises(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        import_file(content=VALUES, file_name="values.csv", source_format="long")
    run = ImportRun.objects.get(file_name="values.csv")
    assert run.status == ImportRun.Status.INTERRUPTED
    assert "stopped by hand" in str(run.problems[0]["message"])
    assert not Observation.objects.exists()


def _dead_process() -> str:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return f"{this_process().rpartition(':')[0]}:{finished.pid}"


def _running(process: str, started: dt.timedelta = dt.timedelta(minutes=5)) -> ImportRun:
    run = ImportRun.objects.create(
        source_format="long", file_name=f"{process}.csv", sha256="0" * 64, status="running", process=process
    )
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - started)
    return run


def test_a_run_whose_process_died_is_marked_interrupted_and_a_live_one_is_not(db: None) -> None:
    dead = _running(_dead_process())
    alive = _running(this_process(), started=dt.timedelta(days=3))  # this very process: still going
    elsewhere_old = _running("another-host:4242", started=dt.timedelta(hours=25))
    elsewhere_recent = _running("another-host:4243", started=dt.timedelta(hours=2))
    # The same host name, before its last reboot or in another container: another machine.
    rebooted = _running(f"{socket.gethostname()} an-earlier-boot:{os.getpid() + 1}", started=dt.timedelta(hours=2))
    before_this_change = _running("", started=dt.timedelta(days=2))
    assert mark_interrupted_runs() == 3
    status = dict(ImportRun.objects.values_list("pk", "status"))
    assert status == {
        dead.pk: "interrupted",
        alive.pk: "running",
        elsewhere_old.pk: "interrupted",
        elsewhere_recent.pk: "running",
        rebooted.pk: "running",
        before_this_change.pk: "interrupted",
    }
    dead.refresh_from_db()
    assert "its process ended before it finished" in str(dead.problems[0]["message"])
    assert "nothing was written — run it again" in str(dead.problems[0]["message"])
    assert mark_interrupted_runs() == 0


def test_the_import_history_shows_a_dead_run_as_interrupted(client_for: Callable[[str], Client]) -> None:
    dead = _running(_dead_process())
    page = client_for("system_lead").get(reverse("import_history")).content.decode()
    assert "Interrupted: stopped part-way, nothing written" in page
    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.INTERRUPTED


def test_a_new_import_marks_runs_left_by_dead_processes(catalogue: None) -> None:
    dead = _running(_dead_process())
    import_file(content=VALUES, file_name="values.csv", source_format="long")
    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.INTERRUPTED
    assert ImportRun.objects.get(file_name="values.csv").process == this_process()
