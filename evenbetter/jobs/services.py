"""Every write of the jobs: asking for a job, running one, retrying it, recovering a dead one.

**The claim.** Several workers (on several machines sharing PostgreSQL) may pick up tasks;
a job runs only in the worker whose conditional UPDATE moved it from queued (or waiting to
retry) to running — one row changed, or none and it goes away — as healthchecks' sendalerts
claims a check. The attempt number is the fence: every later write of that attempt says
``attempts=<its number>, status=running``, so an attempt taken for dead and retried
elsewhere cannot overwrite its successor.

**Coalescing.** A kind with ``coalesce`` (the refresh) has at most one job queued: a request
while one is queued adds to its ``requests``; the unique ``pending_key`` makes two requests
at once on PostgreSQL queue one job, not two. Claiming clears ``pending_key``, so a job that
starts takes everything wanted up to its start, and a request after that queues the next.

**The queue.** The job's row and its task (django-tasks-db keeps tasks in the same database)
are written in one short transaction of their own, so neither exists without the other. The
refresh after an import is asked for with ``transaction.on_commit``: never from inside the
import's transaction, and never for an import that rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.runs import this_process
from evenbetter.jobs.apps import REFRESH, job_records_changed
from evenbetter.jobs.models import Job, ScheduleFiring
from evenbetter.jobs.registry import job_kind
from evenbetter.jobs.selectors import freshness, worker_stopped

logger = logging.getLogger(__name__)

STOPPED = "stopped by hand while it ran"
# Not started yet: queued, or waiting to retry after a failed attempt.
WAITING = (Job.Status.QUEUED, Job.Status.RETRYING)


def job_request(
    kind: str, *, reason: str = "", options: dict[str, Any] | None = None, import_run: ImportRun | None = None
) -> Job:
    """Queue a job of ``kind`` (or, for a coalescing kind with one queued, join that one);
    ``import_run`` is the import it answers, so that whoever ran that import may follow it."""
    job_class = job_kind(kind)  # an unknown kind fails here, before anything is written
    now = timezone.now()
    for _ in range(5):
        if job_class.coalesce:
            pending = Job.objects.filter(pending_key=kind, status__in=WAITING).first()
            if pending is not None:
                joined = Job.objects.filter(pk=pending.pk, status__in=WAITING, pending_key=kind).update(
                    requests=F("requests") + 1, last_requested_at=now
                )
                job_records_changed(kind=kind)  # an update sends no post_save
                if joined:
                    pending.refresh_from_db()
                    if import_run is not None:
                        pending.import_runs.add(import_run)
                    return pending
                continue  # claimed in between: queue the next one
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    reason=reason[:255],
                    options=options or {},
                    pending_key=kind if job_class.coalesce else None,
                    max_attempts=max(1, settings.EVENBETTER_JOB_ATTEMPTS),
                )
                if import_run is not None:
                    job.import_runs.add(import_run)
                _enqueue(job)
                return job
        except IntegrityError:
            continue  # another request queued one at the same moment: join it
    raise RuntimeError(f"Could not queue a {kind} job: it kept being claimed as it was asked for")


def refresh_wanted(*, reason: str, import_run: ImportRun | None = None) -> None:
    """Ask for the refresh of everything derived from the data, once the current transaction
    commits (at once outside one); an import that rolls back asks for nothing."""
    transaction.on_commit(lambda: job_request(REFRESH, reason=reason, import_run=import_run))


def _enqueue(job: Job, *, run_after: dt.datetime | None = None) -> None:
    from evenbetter.jobs.tasks import job_run

    queued = job_run.using(run_after=run_after) if run_after else job_run
    result = queued.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job_records_changed(kind=job.kind)
    job.task_id = str(result.id)


class _JobProgress:
    """Writes where a running job is, outside any step's transaction, so that it is seen while
    the step runs. Between a step's units (no transaction open) it is a small autocommit UPDATE.
    Inside a step's transaction, PostgreSQL gets the UPDATE through a connection of its own;
    SQLite has one writer at a time (the step holds the lock), so there the progress inside a
    transaction is not written, and the next report outside one brings the row up to date."""

    def __init__(self, job: Job):
        self.job = job
        self._side: BaseDatabaseWrapper | None = None

    def __call__(self, *, step: str | None = None, done: int | None = None, total: int | None = None) -> None:
        changes: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if step is not None:
            changes["step"] = step[:120]
        if done is not None:
            changes["progress_done"] = done
        if total is not None:
            changes["progress_total"] = total
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING, attempts=self.job.attempts).update(**changes)
        elif connection.vendor == "postgresql":
            self._write_aside(changes)

    def _write_aside(self, changes: dict[str, Any]) -> None:
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self._side.ops.quote_name
        columns = ", ".join(f"{quote(column)} = %s" for column in changes)
        sql = (
            f"UPDATE {quote(Job._meta.db_table)} SET {columns} "  # noqa: S608 (names from the model)
            f"WHERE {quote('id')} = %s AND {quote('status')} = %s AND {quote('attempts')} = %s"
        )
        with self._side.cursor() as cursor:  # autocommit: visible at once
            cursor.execute(sql, [*changes.values(), self.job.pk, Job.Status.RUNNING, self.job.attempts])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_execute(job_id: int) -> str:
    """Claim the job and run it: succeeded, or the attempt failed (retried or failed for good)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RETRYING]).update(
        status=Job.Status.RUNNING,
        pending_key=None,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        process=this_process(),
        step="",
        progress_done=0,
        progress_total=None,
    )
    if claimed != 1:
        return "not claimed: another worker has it, or it is done"
    job = Job.objects.get(pk=job_id)
    job_records_changed(kind=job.kind)  # a refresh under way: "being updated"
    progress = _JobProgress(job)
    try:
        job_kind(job.kind).run(job, progress)
    except (KeyboardInterrupt, SystemExit):
        _attempt_failed(job, STOPPED)
        raise
    except Exception as error:
        logger.exception("Job %s (%s), attempt %s, failed", job.pk, job.kind, job.attempts)
        job.refresh_from_db(fields=["step"])
        where = f"in {job.step}: " if job.step else ""
        return _attempt_failed(job, f"{where}{type(error).__name__}: {error}")
    finally:
        progress.close()
    finished = timezone.now()
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
        status=Job.Status.SUCCEEDED, succeeded_at=finished, finished_at=finished, error=""
    )
    job_records_changed(kind=job.kind)  # "figures as at" the refresh just done
    return Job.Status.SUCCEEDED


def _attempt_failed(job: Job, error: str) -> str:
    """Retry after a delay while attempts are left, else fail for good; the error is kept either way.
    Empty when the attempt was no longer running (another worker had already recovered it)."""
    now = timezone.now()
    fenced = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
    if job.attempts < job.max_attempts:
        with transaction.atomic():
            if not _retry_marked(fenced, job, now=now, error=error):
                return ""  # another worker has already dealt with this attempt
            delay = dt.timedelta(seconds=settings.EVENBETTER_JOB_RETRY_SECONDS)
            _enqueue(job, run_after=now + delay if delay else None)
        return Job.Status.RETRYING
    if not fenced.update(status=Job.Status.FAILED, failed_at=now, finished_at=now, error=error):
        return ""
    job_records_changed(kind=job.kind)  # no longer under way
    return Job.Status.FAILED


def _retry_marked(fenced: QuerySet[Job], job: Job, *, now: dt.datetime, error: str) -> bool:
    """Mark the attempt waiting to retry. A coalescing kind takes its ``pending_key`` back, so a
    request before the retry starts joins it (the retry reads everything committed before it
    starts) instead of queuing a second job; unless a request during the attempt has queued the
    next job already, which then answers the later requests (the key is unique)."""
    changes: dict[str, Any] = {"status": Job.Status.RETRYING, "retrying_at": now, "error": error}
    if job_kind(job.kind).coalesce:
        try:
            with transaction.atomic():
                marked = bool(fenced.update(**changes, pending_key=job.kind))
            job_records_changed(kind=job.kind)
            return marked
        except IntegrityError:
            pass
    marked = bool(fenced.update(**changes))
    job_records_changed(kind=job.kind)
    return marked


def jobs_recover(*, now: dt.datetime | None = None) -> int:
    """Retry (or fail, when no attempts are left) every job left running by a worker that is gone
    (``selectors.worker_stopped``), and queue again every job not started whose task was lost.
    A worker's turn (``worker.jobs_tick``) calls it: never a page view."""
    now = now or timezone.now()
    recovered = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        why = worker_stopped(job, now=now)
        if why is not None:
            _task_abandoned(job.task_id)
            if _attempt_failed(job, why[:1000]):
                recovered += 1
    return recovered + _lost_tasks_requeued(now)


def _lost_tasks_requeued(now: dt.datetime) -> int:
    """Queue again every job not started whose task will never start it: the worker that took
    the task died before it claimed the job (the task says running for longer than taking it
    and claiming take, ``EVENBETTER_JOB_CLAIM_SECONDS``), or the task ended or is gone with the
    job unclaimed. No attempt was spent: the job keeps its attempts, its requests and its key."""
    from django_tasks_db.models import DBTaskResult

    waiting = list(Job.objects.filter(status__in=WAITING))
    tasks = {
        str(task.id): task
        for task in DBTaskResult.objects.filter(id__in=[job.task_id for job in waiting if job.task_id])
    }
    taken_before = now - dt.timedelta(seconds=settings.EVENBETTER_JOB_CLAIM_SECONDS)
    requeued = 0
    for job in waiting:
        task = tasks.get(job.task_id)
        if task is not None and (
            task.status == "READY" or (task.status == "RUNNING" and (task.started_at or now) > taken_before)
        ):
            continue  # it will run, or its worker is claiming it now
        _task_abandoned(job.task_id)
        with transaction.atomic():
            # Fenced by the lost task's id: two workers recovering at once queue it once.
            if Job.objects.filter(pk=job.pk, status__in=WAITING, task_id=job.task_id).update(task_id=""):
                job_records_changed(kind=job.kind)
                _enqueue(job)
                requeued += 1
                logger.warning(
                    "Job %s had lost its task %s (its worker stopped): queued again", job.pk, task and task.id
                )
    return requeued


def _task_abandoned(task_id: str) -> None:
    """The dead worker's task stays "running" in django-tasks-db: say it failed."""
    from django_tasks_db.models import DBTaskResult

    if task_id:
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(status="FAILED", finished_at=timezone.now())


@dataclass(frozen=True)
class Pruned:
    jobs: int
    tasks: int
    firings: int


def jobs_prune(*, now: dt.datetime | None = None) -> Pruned:
    """Delete the record of work finished long ago: our jobs and django-tasks-db's task rows
    that finished more than ``EVENBETTER_JOB_KEEP_DAYS`` ago (failed ones after
    ``EVENBETTER_JOB_KEEP_FAILED_DAYS``), and schedules' firings as old. Never a job or task
    not finished, the newest job of each kind that succeeded ("figures as at" is read from the
    newest refresh), nor the latest firing of each schedule (which says it fired)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    kept = now - dt.timedelta(days=settings.EVENBETTER_JOB_KEEP_DAYS)
    failed_kept = now - dt.timedelta(
        days=max(settings.EVENBETTER_JOB_KEEP_FAILED_DAYS, settings.EVENBETTER_JOB_KEEP_DAYS)
    )
    newest = [
        pk
        for kind in Job.objects.filter(status=Job.Status.SUCCEEDED).values_list("kind", flat=True).distinct()
        for pk in Job.objects.filter(kind=kind, status=Job.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)[:1]
    ]
    latest_firings = [
        pk
        for name in ScheduleFiring.objects.values_list("schedule", flat=True).distinct()
        for pk in ScheduleFiring.objects.filter(schedule=name).order_by("-due_at").values_list("pk", flat=True)[:1]
    ]
    with transaction.atomic():
        _, jobs = (
            Job.objects.filter(
                Q(status=Job.Status.SUCCEEDED, finished_at__lt=kept)
                | Q(status=Job.Status.FAILED, finished_at__lt=failed_kept)
            )
            .exclude(pk__in=newest)
            .delete()
        )
        _, tasks = DBTaskResult.objects.filter(
            Q(status="SUCCESSFUL", finished_at__lt=kept) | Q(status="FAILED", finished_at__lt=failed_kept)
        ).delete()
        _, firings = ScheduleFiring.objects.filter(due_at__lt=kept).exclude(pk__in=latest_firings).delete()
        job_records_changed()
    # Rows deleted per model (a job's links to its imports go with it, not counted).
    return Pruned(
        jobs=jobs.get(Job._meta.label, 0),
        tasks=tasks.get(DBTaskResult._meta.label, 0),
        firings=firings.get(ScheduleFiring._meta.label, 0),
    )


def refresh_done_here(*, started_at: dt.datetime, by: str) -> Job:
    """Record a refresh done in this process, not by a worker: the demo build computes every
    derived figure itself, in the refresh's order, after its imports. The refresh those imports
    queued would only redo that work, so it is marked succeeded (and its task with it); with
    none queued, a succeeded one is recorded. ``started_at`` is when the computing began: the
    figures include everything imported before then (``selectors.freshness``), so a refresh
    asked for later is left queued."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    done: dict[str, Any] = {
        "status": Job.Status.SUCCEEDED,
        "pending_key": None,
        "started_at": started_at,
        "succeeded_at": now,
        "finished_at": now,
        "heartbeat_at": now,
        "process": this_process(),
        "step": f"done by {by}"[:120],
        "progress_done": 1,
        "progress_total": 1,
    }
    with transaction.atomic():
        queued = Job.objects.filter(
            kind=REFRESH, status=Job.Status.QUEUED, pending_key=REFRESH, last_requested_at__lte=started_at
        ).first()
        if queued is not None and Job.objects.filter(pk=queued.pk, status=Job.Status.QUEUED).update(**done):
            job_records_changed(kind=REFRESH)
            if queued.task_id:
                DBTaskResult.objects.filter(id=queued.task_id, status="READY").update(
                    status="SUCCESSFUL", started_at=started_at, finished_at=now, return_value=Job.Status.SUCCEEDED
                )
            return Job.objects.get(pk=queued.pk)
        return Job.objects.create(kind=REFRESH, reason=f"done by {by}"[:255], **done)


def derived_figures_stale() -> bool:
    """Whether any figure derived from the data is older than its inputs: the newest import
    (of a file, a form or generated records; not the computed indicators the refresh itself
    writes) finished after the newest refresh that succeeded started (``selectors.freshness``)."""
    return freshness().new_data_at is not None


def staleness_check() -> Job | None:
    """Queue a refresh when the derived figures are stale and none is already on its way."""
    on_its_way = Job.objects.filter(
        kind=REFRESH, status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING]
    ).exists()
    if on_its_way or not derived_figures_stale():
        return None
    return job_request(REFRESH, reason="the staleness check found figures older than their data")
