"""Finished jobs, the queue's finished tasks and old schedule firings are deleted after the days the
settings keep them (failed ones longer), by a daily schedule; with a clock the test controls."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from evenbetter.jobs.models import Job, ScheduleFiring
from evenbetter.jobs.schedules import schedules_fire_due
from evenbetter.jobs.services import jobs_prune
from evenbetter.jobs.worker import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 12, 6, 4, 0, tzinfo=ZoneInfo("Europe/London"))
PRUNE = [entry for entry in settings.EVENBETTER_SCHEDULES if entry["job"] == "jobs_prune"]


def _days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def _job(kind: str, status: str, finished_days_ago: float | None) -> Job:
    finished = None if finished_days_ago is None else _days_ago(finished_days_ago)
    return Job.objects.create(kind=kind, status=status, started_at=finished, finished_at=finished)


def _task(status: str, finished_days_ago: float | None) -> DBTaskResult:
    from evenbetter.jobs.tasks import job_run

    result = job_run.enqueue(0)
    finished = None if finished_days_ago is None else _days_ago(finished_days_ago)
    DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=finished)
    return DBTaskResult.objects.get(id=result.id)


@override_settings(EVENBETTER_JOB_KEEP_DAYS=90, EVENBETTER_JOB_KEEP_FAILED_DAYS=365)
def test_old_finished_work_is_pruned_and_what_is_needed_kept() -> None:
    newest_refresh = _job("refresh", Job.Status.SUCCEEDED, 200)  # figures are "as at" it: kept
    old_refresh = _job("refresh", Job.Status.SUCCEEDED, 300)
    recent_backup = _job("backup", Job.Status.SUCCEEDED, 89)
    old_backup = _job("backup", Job.Status.SUCCEEDED, 91)
    failed_a_while_ago = _job("backup", Job.Status.FAILED, 200)
    failed_long_ago = _job("backup", Job.Status.FAILED, 366)
    old_but_retrying = Job.objects.create(kind="risk_run", status=Job.Status.RETRYING, queued_at=_days_ago(400))
    tasks = {
        "recent": _task("SUCCESSFUL", 89),
        "old": _task("SUCCESSFUL", 91),
        "failed": _task("FAILED", 200),
        "failed long ago": _task("FAILED", 366),
        "waiting": _task("READY", None),
    }
    for days in (100, 99, 1):
        ScheduleFiring.objects.create(schedule="backup", due_at=_days_ago(days))
    ScheduleFiring.objects.create(schedule="risk_run", due_at=_days_ago(120))  # the latest of a termly one

    pruned = jobs_prune(now=NOW)

    assert (pruned.jobs, pruned.tasks, pruned.firings) == (3, 2, 2)
    assert set(Job.objects.all()) == {newest_refresh, recent_backup, failed_a_while_ago, old_but_retrying}
    assert {old_refresh.pk, old_backup.pk, failed_long_ago.pk}.isdisjoint(Job.objects.values_list("pk", flat=True))
    assert set(DBTaskResult.objects.all()) == {tasks["recent"], tasks["failed"], tasks["waiting"]}
    assert sorted(ScheduleFiring.objects.values_list("schedule", flat=True)) == ["backup", "risk_run"]
    assert jobs_prune(now=NOW) == pruned.__class__(jobs=0, tasks=0, firings=0)


@override_settings(EVENBETTER_SCHEDULES=PRUNE, EVENBETTER_JOB_KEEP_DAYS=90)
def test_the_daily_schedule_prunes() -> None:
    assert PRUNE == [{"job": "jobs_prune", "every": "daily", "at": "04:00"}]  # declared in settings
    old = _job("backup", Job.Status.SUCCEEDED, 400)
    _job("backup", Job.Status.SUCCEEDED, 1)  # the newest backup job, kept
    assert schedules_fire_due(now=NOW - dt.timedelta(minutes=1)) == []
    (prune,) = schedules_fire_due(now=NOW)
    jobs_run_pending()
    prune.refresh_from_db()
    assert prune.status == Job.Status.SUCCEEDED, prune.error
    assert prune.step == "removed: jobs 1, queue rows 0, schedule firings 0"
    assert not Job.objects.filter(pk=old.pk).exists()
