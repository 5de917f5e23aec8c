"""Opening the jobs pages writes nothing: a queued job whose task exists is not queued again, and
a job whose worker stopped is not taken back by a page view — that is the worker's turn
(``jobs_tick``); the page says what it sees instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_request
from evenbetter.jobs.worker import jobs_tick
from tests.dbstate import changed_tables, table_writes

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(hours=1)


@pytest.fixture
def jobs(register: ImportRun) -> dict[str, Job]:
    """A refresh queued (its task ready), a refresh queued whose task a worker took an hour ago
    and never claimed, and a backup running in a worker process that is gone."""
    ready = job_request("refresh", reason="an import")
    Job.objects.filter(pk=ready.pk).update(pending_key=None)  # let the next request queue another
    taken = job_request("refresh", reason="another import")
    DBTaskResult.objects.filter(id=taken.task_id).update(
        status="RUNNING", started_at=timezone.now() - LONG_AGO, worker_ids=["gone"]
    )
    dead = job_request("backup", reason="the nightly backup")
    Job.objects.filter(pk=dead.pk).update(
        status=Job.Status.RUNNING,
        attempts=1,
        process="not-this-machine:1",
        started_at=timezone.now() - dt.timedelta(hours=7),
        heartbeat_at=timezone.now() - dt.timedelta(hours=7),
    )
    return {"ready": ready, "taken": taken, "dead": dead}


def test_opening_every_jobs_page_writes_nothing(jobs: dict[str, Job], system_lead: User) -> None:
    client = Client()
    client.force_login(system_lead)
    before = table_writes(ignore={"django_session"})
    pages = [reverse("job_list")]
    for job in jobs.values():
        pages += [reverse("job_detail", args=[job.pk]), reverse("job_progress", args=[job.pk])]
        pages.append(reverse("job_progress", args=[job.pk]) + "?row=1")
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert changed_tables(before, table_writes(ignore={"django_session"})) == []


def test_the_pages_say_a_worker_seems_stopped_and_the_worker_takes_the_jobs_back(
    jobs: dict[str, Job], system_lead: User
) -> None:
    client = Client()
    client.force_login(system_lead)
    dead = jobs["dead"]
    for page in (reverse("job_list"), reverse("job_detail", args=[dead.pk])):
        text = client.get(page).content.decode()
        assert "its worker has said nothing for 6 hours: a worker takes it back on its next turn" in text, page
    ready = client.get(reverse("job_detail", args=[jobs["ready"].pk])).content.decode()
    assert "seems to have stopped" not in ready and "takes it back" not in ready

    jobs_tick()  # the worker's turn: what the pages only said is done here
    assert Job.objects.get(pk=dead.pk).status == Job.Status.RETRYING
    assert Job.objects.get(pk=jobs["taken"].pk).task_id != jobs["taken"].task_id  # queued again
    assert Job.objects.get(pk=jobs["ready"].pk).task_id == jobs["ready"].task_id  # left as it was
