"""The refresh says how far it is while it runs: the step it is on and the units done of the
step's total, written outside the step's transactions so that the job page sees them."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from evenbetter.indicators.computed import all_computed
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import RefreshStep, refresh_steps, register_temporarily
from evenbetter.jobs.services import _JobProgress
from evenbetter.jobs.worker import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_step_reports_its_units_and_the_row_says_so_while_it_runs(register: ImportRun) -> None:
    seen: list[tuple[str, int, int | None]] = []

    class ThreeUnits(RefreshStep):
        code = "test_three_units"
        name = "three units"
        order = 50

        def run(self) -> None:
            for unit in range(3):
                self.progress(step=f"unit {unit + 1}", done=unit, total=3)
                with transaction.atomic():  # each unit all or nothing, progress between them
                    job = Job.objects.get(status=Job.Status.RUNNING)
                    seen.append((job.step, job.progress_done, job.progress_total))

    with register_temporarily(ThreeUnits):
        jobs_run_pending()
    refresh = Job.objects.get(kind="refresh")
    assert refresh.status == Job.Status.SUCCEEDED
    steps = _wanted_steps() + 1  # this one, then the apps' (data quality, computed indicators …)
    assert seen == [(f"step 1 of {steps}: three units — unit {n}", n - 1, 3) for n in (1, 2, 3)]
    assert (refresh.progress_done, refresh.progress_total, refresh.step) == (steps, steps, "")


def _wanted_steps() -> int:
    """The apps' steps this refresh runs (the risk run's only when a setting asks): grows as
    apps register steps."""
    return len([step for step in refresh_steps() if step.is_wanted()])


def _running_job() -> Job:
    return Job.objects.create(kind="refresh", status=Job.Status.RUNNING, attempts=1, started_at=timezone.now())


def test_progress_inside_a_steps_transaction_never_waits_on_it() -> None:
    """PostgreSQL: written through a connection of its own and seen at once by others. SQLite
    (one writer at a time, held by the step): not written, so it cannot wait on the step's lock."""
    job = _running_job()
    progress = _JobProgress(job)
    try:
        with transaction.atomic():
            progress(step="inside", done=5, total=9)
            if connection.vendor == "postgresql":
                other = connections.create_connection(DEFAULT_DB_ALIAS)
                try:
                    with other.cursor() as cursor:
                        cursor.execute(
                            "SELECT step, progress_done, progress_total FROM jobs_job WHERE id = %s", [job.pk]
                        )
                        assert cursor.fetchone() == ("inside", 5, 9)
                finally:
                    other.close()
            else:
                assert Job.objects.filter(pk=job.pk, step="", progress_done=0).exists()
        progress(step="between units", done=6, total=9)  # outside: an ordinary UPDATE
    finally:
        progress.close()
    job.refresh_from_db()
    assert (job.step, job.progress_done, job.progress_total) == ("between units", 6, 9)


def test_a_job_no_longer_running_is_not_written_by_a_late_report() -> None:
    job = _running_job()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RETRYING)  # taken back by another worker
    _JobProgress(job)(step="late", done=1, total=2)
    job.refresh_from_db()
    assert (job.step, job.progress_done) == ("", 0)


def test_the_real_steps_report_each_phase_outside_their_transactions(
    register: ImportRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen on SQLite too (where a report inside a step's transaction is not written): data quality
    and each computed indicator say when they measure, write and have written."""
    written: list[tuple[str | None, int | None, int | None]] = []
    write = _JobProgress.__call__

    def noted(
        self: _JobProgress, *, step: str | None = None, done: int | None = None, total: int | None = None
    ) -> None:
        if not connection.in_atomic_block:
            written.append((step, done, total))
        write(self, step=step, done=done, total=total)

    monkeypatch.setattr(_JobProgress, "__call__", noted)
    jobs_run_pending()
    schools = ImportRun.objects.get(source_format="data_quality").records_created
    n = _wanted_steps()  # data quality first, computed indicators second
    computed = f"step 2 of {n}: computed indicators (partnership life …)"
    assert written[:5] == [
        (f"step 1 of {n}: data quality", 0, n),
        (f"step 1 of {n}: data quality — measuring", 0, 2),
        (f"step 1 of {n}: data quality — writing {schools:,} values", 1, 2),
        (f"step 1 of {n}: data quality — {schools:,} values written", 2, 2),
        (computed, 1, n),
    ]
    # Two units (measuring, writing) for each computed kind but data quality, in the registry's
    # order; none has records to measure here, so each writes nothing.
    kinds = [kind.name for kind in all_computed() if kind.code != "data_quality"]
    units = 2 * len(kinds)
    expected = []
    for number, name in enumerate(kinds):
        expected += [
            (f"{computed} — {name}: measuring", 2 * number, units),
            (f"{computed} — {name}: writing 0 values", 2 * number + 1, units),
            (f"{computed} — {name}: 0 values written", 2 * number + 2, units),
        ]
    assert written[5 : 5 + len(expected)] == expected
