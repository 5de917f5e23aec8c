"""One job's page: who may follow it, what it shows, and its fragment, which polls itself while
the job is under way and stops once it is finished; the import's page links to its refresh."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_request

pytestmark = pytest.mark.django_db

POLLING = 'hx-trigger="every 1s"'


@pytest.fixture
def refresh(register: ImportRun, school_leader_a: User) -> Job:
    """The refresh an import asked for; the import was run by school A's leader (say, once a
    system lead, or an importer of another kind)."""
    ImportRun.objects.filter(pk=register.pk).update(run_by=school_leader_a)
    return job_request("refresh", reason="import of the register", import_run=register)


def _get(user: User, name: str, job: Job, query: str = "") -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, args=[job.pk]) + query)
    return response.status_code, response.content.decode()


def test_whoever_ran_the_import_follows_its_refresh_and_nobody_else_but_system_leads(
    refresh: Job, school_leader_a: User, school_leader_b: User, system_lead: User
) -> None:
    assert _get(school_leader_a, "job_detail", refresh)[0] == 200
    assert _get(school_leader_a, "job_progress", refresh)[0] == 200
    assert _get(system_lead, "job_detail", refresh)[0] == 200
    assert _get(school_leader_b, "job_detail", refresh)[0] == 404
    assert _get(school_leader_b, "job_progress", refresh)[0] == 404
    # The list of every job stays the system leads'.
    client = Client()
    client.force_login(school_leader_a)
    assert client.get(reverse("job_list")).status_code == 403


def test_a_job_under_way_polls_and_a_finished_one_stops(refresh: Job, system_lead: User) -> None:
    _, page = _get(system_lead, "job_detail", refresh)
    assert POLLING in page and f'hx-get="{reverse("job_progress", args=[refresh.pk])}"' in page
    assert "htmx.min.js" in page
    assert ">Refresh</a>" in page  # without JavaScript, a plain link
    assert "Waiting for a worker to start it." in page
    assert "<progress" in page

    Job.objects.filter(pk=refresh.pk).update(
        status=Job.Status.RUNNING, step="step 3 of 4: families and benchmarks", progress_done=7, progress_total=20
    )
    _, fragment = _get(system_lead, "job_progress", refresh)
    assert POLLING in fragment
    assert '<progress id="job-bar" max="20" value="7">' in fragment
    assert "7 of 20 done (35%)." in fragment
    assert "Now on step 3 of 4: families and benchmarks." in fragment

    now = timezone.now()
    Job.objects.filter(pk=refresh.pk).update(
        status=Job.Status.SUCCEEDED, started_at=now, succeeded_at=now, finished_at=now, step=""
    )
    _, fragment = _get(system_lead, "job_progress", refresh)
    assert POLLING not in fragment and "hx-get" not in fragment
    assert "Succeeded" in fragment and "Result:" in fragment
    assert ">Refresh</a>" not in fragment


def test_a_failed_job_shows_its_error_and_the_step_it_stopped_at(refresh: Job, system_lead: User) -> None:
    now = timezone.now()
    Job.objects.filter(pk=refresh.pk).update(
        status=Job.Status.FAILED,
        attempts=3,
        step="step 2 of 4: computed indicators",
        error="in step 2 of 4: ValueError: no such school",
        failed_at=now,
        finished_at=now,
    )
    _, page = _get(system_lead, "job_detail", refresh)
    assert "What went wrong" in page and "ValueError: no such school" in page
    assert "It stopped at step 2 of 4: computed indicators." in page
    assert POLLING not in page


def test_the_jobs_list_links_each_job_and_polls_only_rows_under_way(refresh: Job, system_lead: User) -> None:
    done = Job.objects.create(kind="staleness_check", status=Job.Status.SUCCEEDED, finished_at=timezone.now())
    client = Client()
    client.force_login(system_lead)
    page = client.get(reverse("job_list")).content.decode()
    assert reverse("job_detail", args=[refresh.pk]) in page and reverse("job_detail", args=[done.pk]) in page
    assert f'hx-get="{reverse("job_progress", args=[refresh.pk])}?row=1"' in page
    assert reverse("job_progress", args=[done.pk]) not in page
    row = client.get(reverse("job_progress", args=[refresh.pk]) + "?row=1").content.decode()
    assert row.lstrip().startswith(f'<tr id="job-row-{refresh.pk}"') and POLLING in row


def test_the_import_page_links_to_the_refresh_it_queued(refresh: Job, register: ImportRun, system_lead: User) -> None:
    client = Client()
    client.force_login(system_lead)
    page = client.get(reverse("import_run", args=[register.pk])).content.decode()
    assert "Your figures are being updated:" in page
    assert f'<a href="{reverse("job_detail", args=[refresh.pk])}">follow progress →</a>' in page
    other = ImportRun.objects.create(source_format="dfe_absence", file_name="other.csv", status="succeeded")
    assert "follow progress" not in client.get(reverse("import_run", args=[other.pk])).content.decode()
