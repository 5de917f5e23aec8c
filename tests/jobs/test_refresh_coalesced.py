"""Two imports close together cause one refresh, not two; one asked for while a refresh runs
is queued after it (the running one may have read the data before that import)."""

from __future__ import annotations

import pytest
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
