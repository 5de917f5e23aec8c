"""Two imports close together cause one refresh, not two; one asked for while a refresh runs
is queued after it (the running one may have read the data before that import)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_file
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import RefreshStep, register_temporarily
from evenbetter.jobs.worker import jobs_run_pending
from tests.web.policy import ABSENCE

pytestmark = pytest.mark.django_db(transaction=True)


def _import(content: bytes = ABSENCE) -> ImportRun:
    run = import_file(content=content, file_name="absence.csv", source_format="dfe_absence", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    return run


def test_imports_close_together_share_one_queued_refresh(register: ImportRun) -> None:
    _import()
    _import(ABSENCE.replace(b"3.9", b"4.2"))
    refresh = Job.objects.get(kind="refresh")  # the register's import, then two more: one job
    assert refresh.status == Job.Status.QUEUED
    assert refresh.requests == 3
    assert DBTaskResult.objects.count() == 1


def test_a_failed_or_preview_import_asks_for_nothing(db: None) -> None:
    import_file(content=b"not,a\nfile\n", file_name="bad.csv", source_format="dfe_absence", period="2018/19")
    import_file(content=ABSENCE, file_name="a.csv", source_format="dfe_absence", period="2018/19", dry_run=True)
    assert not Job.objects.exists()


def test_the_refresh_runs_and_a_request_during_it_queues_the_next(register: ImportRun) -> None:
    seen = []

    class ImportWhileRunning(RefreshStep):
        code = "test_import_while_running"
        name = "an import arrives meanwhile"
        order = 50

        def run(self) -> None:
            seen.append(Job.objects.get(status=Job.Status.RUNNING).pk)
            if len(seen) == 1:
                _import()

    with register_temporarily(ImportWhileRunning):
        jobs_run_pending()
    first, second = Job.objects.order_by("pk")
    assert seen == [first.pk, second.pk]
    assert (first.status, first.attempts, second.status, second.requests) == ("succeeded", 1, "succeeded", 1)
    assert second.reason.startswith("import of absence.csv")
    # The real steps ran: data quality was measured by the refresh.
    assert ImportRun.objects.filter(source_format="data_quality", status=ImportRun.Status.SUCCEEDED).count() == 2


class FailsOnce(RefreshStep):
    """Fails its first attempt; imports arriving while the refresh waits to retry are counted."""

    code = "test_fails_once"
    name = "a step that fails once"
    order = 50
    runs: list[int] = []

    def run(self) -> None:
        FailsOnce.runs.append(Job.objects.get(status=Job.Status.RUNNING).attempts)
        if len(FailsOnce.runs) == 1:
            raise ConnectionError("the database went away")


def test_a_refresh_waiting_to_retry_takes_the_requests_that_arrive_meanwhile(register: ImportRun) -> None:
    FailsOnce.runs = []
    refresh = Job.objects.get(kind="refresh")
    with override_settings(EVENBETTER_JOB_RETRY_SECONDS=3600), register_temporarily(FailsOnce):
        jobs_run_pending()  # the first attempt fails; the retry waits an hour
        refresh.refresh_from_db()
        assert (refresh.status, refresh.attempts) == (Job.Status.RETRYING, 1)
        first, second = _import(), _import(ABSENCE.replace(b"3.9", b"4.2"))
        # Both join the retry: one job, one task waiting, every import answered by it.
        assert Job.objects.filter(kind="refresh").count() == 1
        refresh.refresh_from_db()
        assert refresh.requests == 3
        assert set(refresh.import_runs.all()) == {register, first, second}
        assert DBTaskResult.objects.filter(status="READY").count() == 1
    # The retry is due now: it runs once, for all of them.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    with register_temporarily(FailsOnce):
        jobs_run_pending()
    refresh.refresh_from_db()
    assert (refresh.status, refresh.attempts, FailsOnce.runs) == (Job.Status.SUCCEEDED, 2, [1, 2])
    assert Job.objects.filter(kind="refresh").count() == 1


def test_a_request_after_a_refresh_failed_for_good_queues_a_new_one(register: ImportRun) -> None:
    FailsOnce.runs = []
    Job.objects.update(max_attempts=1)
    with register_temporarily(FailsOnce):
        jobs_run_pending()
    failed = Job.objects.get(kind="refresh")
    assert failed.status == Job.Status.FAILED
    run = _import()
    fresh = Job.objects.get(kind="refresh", status=Job.Status.QUEUED)
    assert fresh.pk != failed.pk and list(fresh.import_runs.all()) == [run]
    failed.refresh_from_db()
    assert (failed.status, failed.requests) == (Job.Status.FAILED, 1)


def test_a_retry_leaves_requests_to_the_refresh_queued_while_its_attempt_ran(register: ImportRun) -> None:
    FailsOnce.runs = []

    class ImportThenFail(RefreshStep):
        code = "test_import_then_fail"
        name = "an import arrives, then the attempt fails"
        order = 40

        def run(self) -> None:
            if not FailsOnce.runs:
                _import()  # queues the next refresh: this attempt may have read before it

    with override_settings(EVENBETTER_JOB_RETRY_SECONDS=3600), register_temporarily(ImportThenFail):
        with register_temporarily(FailsOnce):
            jobs_run_pending()  # the first fails; the one queued meanwhile runs and succeeds
        retrying, queued_meanwhile = Job.objects.order_by("pk")
        assert (retrying.status, queued_meanwhile.status) == (Job.Status.RETRYING, Job.Status.SUCCEEDED)
        # The job queued meanwhile held the key when the attempt failed, so the retry has none:
        # a request now queues a new refresh rather than joining one that may have started.
        assert (retrying.pending_key, queued_meanwhile.requests) == (None, 1)
        _import()
        assert Job.objects.filter(status=Job.Status.QUEUED, pending_key="refresh").count() == 1
        assert Job.objects.count() == 3
