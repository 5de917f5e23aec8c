"""Reads of the jobs pages, and how fresh the figures derived from the data are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import dateformat, timezone

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.indicators.computed import all_computed
from evenbetter.indicators.figures_cache import figures_cached, freshness_scope, in_request, kept_beside
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.runs import process_is_gone
from evenbetter.jobs.apps import FRESHNESS, REFRESH
from evenbetter.jobs.models import Job

UNDER_WAY = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING)


def can_see_jobs(user: AnyUser) -> bool:
    """The platform's own work (what runs, what failed and why) is for system leads."""
    return scope_of(user).is_system_lead


def jobs_visible_to(user: AnyUser) -> QuerySet[Job]:
    """Every job for a system lead; for anyone else, the refreshes their own imports asked for."""
    if can_see_jobs(user):
        return Job.objects.all()
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(import_runs__run_by=user)).distinct()


def jobs_under_way(user: AnyUser) -> QuerySet[Job]:
    return jobs_visible_to(user).filter(status__in=UNDER_WAY)


WORKER_GONE = "its worker stopped while it ran (killed, out of memory or the machine stopped)"
WORKER_SILENT = "its worker has said nothing for {hours:g} hours"


def worker_stopped(job: Job, *, now: dt.datetime | None = None) -> str | None:
    """Why a running job's worker is taken for stopped, or None: on this machine when its process
    no longer runs; anywhere, when it has been silent for ``EVENBETTER_JOB_STALE_HOURS``. The one
    rule for the worker's turn that takes such a job back (``services.jobs_recover``) and for the
    pages, which only say so: a page view writes nothing."""
    if job.status != Job.Status.RUNNING:
        return None
    if process_is_gone(job.process):
        return WORKER_GONE
    # Elsewhere, or a process of that id runs here: after a restart (a container's worker is
    # often process 1 again) the id may belong to another process than the job's.
    now = now or timezone.now()
    if now - (job.heartbeat_at or job.started_at or now) > dt.timedelta(hours=settings.EVENBETTER_JOB_STALE_HOURS):
        return WORKER_SILENT.format(hours=settings.EVENBETTER_JOB_STALE_HOURS)
    return None


def refresh_job_of(run: ImportRun) -> Job | None:
    """The refresh an import asked for (the latest, should it have been asked again)."""
    return Job.objects.filter(import_runs=run).order_by("-queued_at", "-pk").first()


@dataclass(frozen=True)
class Freshness:
    """How fresh the derived figures (families, benchmarks, risk, computed indicators) are.

    ``as_at``: when the newest refresh that succeeded finished (None: never refreshed).
    ``new_data_at``: when data arrived that the figures do not include yet (an import that
    finished after that refresh started), or None. ``updating``: a refresh is queued or running.
    """

    as_at: dt.datetime | None
    new_data_at: dt.datetime | None
    updating: bool

    @property
    def is_stale(self) -> bool:
        return self.updating or self.new_data_at is not None

    # The words, in one place for the pages (``jobs/_freshness.html``) and the profile's PDF.
    @property
    def as_at_words(self) -> str:
        if self.as_at is None:
            return "These figures have not yet been worked out by a refresh."
        return f"Figures as at {_when(self.as_at)}."

    @property
    def updating_words(self) -> str:
        """What follows "Being updated:" when the figures are stale; empty when they are not."""
        if self.new_data_at is not None:
            return f"new data arrived at {_when(self.new_data_at)}."
        return "a refresh is under way." if self.updating else ""


def _when(moment: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j M Y H:i")


def freshness() -> Freshness:
    """The one rule for "figures as at …" and "being updated", shown wherever derived figures are
    (the school page, the family, the explorer, the watch list: three queries on each). Kept
    until a refresh job or an import run is written (their generations: every writer renews them,
    tests/pages/test_glance_record_writers.py), never by time: it names no reader. In a request
    it is kept beside the generations (read with them: no read of its own, ``jobs.apps``);
    outside one (a worker, a command, a PDF drawn by a script) in the figures cache."""
    if in_request():
        kept: Freshness = kept_beside(FRESHNESS)
        return kept
    return figures_cached(FRESHNESS, freshness_worked_out, scope=freshness_scope())


def freshness_worked_out() -> Freshness:
    newest_refresh = (
        Job.objects.filter(kind=REFRESH, status=Job.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()
    )
    computed = [cls.code for cls in all_computed()]
    newest_input = (
        ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED, dry_run=False)
        .exclude(source_format__in=computed)
        .aggregate(newest=Max("finished_at"))["newest"]
    )
    # A refresh sees everything committed before it started.
    refreshed_from = newest_refresh.started_at if newest_refresh else None
    new_data_at = None
    if newest_input is not None and (refreshed_from is None or newest_input > refreshed_from):
        new_data_at = newest_input
    return Freshness(
        as_at=newest_refresh.finished_at if newest_refresh else None,
        new_data_at=new_data_at,
        updating=Job.objects.filter(kind=REFRESH, status__in=UNDER_WAY).exists(),
    )


FAILED_WITHIN = dt.timedelta(days=7)


def jobs_failed_lately(user: AnyUser, *, now: dt.datetime | None = None) -> QuerySet[Job]:
    """The jobs that failed for good in the last week, newest first."""
    since = (now or timezone.now()) - FAILED_WITHIN
    return jobs_visible_to(user).filter(status=Job.Status.FAILED, finished_at__gte=since)
