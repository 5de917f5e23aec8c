"""A failing job is retried a bounded number of times, then shown as failed with its error;
the failing step's writes are rolled back every time, and the steps after it never run."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evenbetter.accounts.models import User
from evenbetter.benchmarks.models import FamilyRun
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job, ScheduleFiring
from evenbetter.jobs.registry import RefreshStep, refresh_steps, register_temporarily
from evenbetter.jobs.services import job_request
from evenbetter.jobs.worker import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)


class HalfWrites(RefreshStep):
    code = "test_half_writes"
    name = "a step that writes, then fails"
    order = 150  # after data quality, before the computed indicators and the benchmarks

    def run(self) -> None:
        with transaction.atomic():
            ScheduleFiring.objects.create(schedule="half-written", due_at=timezone.now())
            raise ValueError("the measure divided by nothing")


def test_a_failing_refresh_is_retried_then_failed_with_nothing_half_written(db: None) -> None:
    with register_temporarily(HalfWrites):
        job = job_request("refresh", reason="a test")
        jobs_run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == job.max_attempts == 3
    # The error says which step of how many it stopped at (the job page shows it).
    steps = len([step for step in refresh_steps() if step.is_wanted()]) + 1  # the wanted steps and the failing one
    assert (
        job.error == f"in step 2 of {steps}: a step that writes, then fails: ValueError: the measure divided by nothing"
    )
    assert job.retrying_at is not None and job.failed_at == job.finished_at and job.succeeded_at is None
    assert DBTaskResult.objects.count() == 3  # the first task and two retries
    assert not ScheduleFiring.objects.exists()  # the failing step's write, rolled back three times
    # The step before it ran (each of three times, each time all or nothing); the ones after never did.
    assert ImportRun.objects.filter(source_format="data_quality", status="succeeded").count() == 3
    assert not ImportRun.objects.filter(source_format="partnership_life").exists()
    assert not FamilyRun.objects.exists()


def test_the_failed_job_and_its_error_are_shown_to_a_system_lead(client: Client, system_lead: User) -> None:
    with register_temporarily(HalfWrites):
        job_request("refresh", reason="import of absence.csv")
        jobs_run_pending()
    client.force_login(system_lead)
    page = client.get(reverse("job_list")).content.decode()
    assert "Failed" in page
    assert "ValueError: the measure divided by nothing" in page
    assert "3 of 3" in page
