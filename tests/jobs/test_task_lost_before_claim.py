"""A worker that dies between taking a task and claiming its job leaves the job queued and the
task "running" for ever: the next worker turn queues the job again (no attempt counted) once
the task has been taken for longer than a claim takes; one whose task is gone is queued again too.
And a running job whose worker's process id is alive again after a restart, but silent, is taken back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.runs import this_process
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_request, jobs_recover
from evenbetter.jobs.worker import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)


def _taken_by_a_dead_worker(job: Job, *, at: dt.datetime) -> None:
    # What django-tasks-db's worker writes when it takes a task (then it would claim the job).
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", started_at=at, worker_ids=["gone"])


@override_settings(EVENBETTER_JOB_CLAIM_SECONDS=300)
def test_a_job_whose_worker_died_before_claiming_it_is_queued_again_and_runs(register: ImportRun) -> None:
    job = Job.objects.get(kind="refresh")
    taken = timezone.now()
    _taken_by_a_dead_worker(job, at=taken)
    lost_task = job.task_id

    jobs_recover(now=taken + dt.timedelta(seconds=299))  # it may still be claiming it
    job.refresh_from_db()
    assert (job.status, job.task_id) == (Job.Status.QUEUED, lost_task)
    jobs_run_pending()  # nothing is ready: without recovery the job would wait for ever
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    jobs_recover(now=taken + dt.timedelta(seconds=301))
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id != lost_task
    assert DBTaskResult.objects.get(id=lost_task).status == "FAILED"
    # Still the one coalesced job: a request now joins it.
    assert job_request("refresh", reason="another import").pk == job.pk
    jobs_run_pending()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.requests) == (Job.Status.SUCCEEDED, 1, 2)


def test_a_job_waiting_to_retry_whose_task_is_gone_is_queued_again(register: ImportRun) -> None:
    job = Job.objects.get(kind="refresh")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RETRYING, attempts=1)
    DBTaskResult.objects.all().delete()  # pruned by hand, say
    jobs_recover()
    jobs_run_pending()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


@override_settings(EVENBETTER_JOB_STALE_HOURS=6)
def test_a_running_job_whose_process_id_now_belongs_to_another_process_is_taken_back_when_silent(
    register: ImportRun,
) -> None:
    """After a restart (a container's worker is often process 1 again) the job's process id may run
    here again, as another process: alive, but silent for hours, the job is taken back."""
    job = Job.objects.get(kind="refresh")
    heard = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, process=this_process(), started_at=heard, heartbeat_at=heard
    )
    assert jobs_recover(now=heard + dt.timedelta(hours=5)) == 0
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING  # alive and heard from lately
    assert jobs_recover(now=heard + dt.timedelta(hours=6, minutes=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.RETRYING, "its worker has said nothing for 6 hours")
