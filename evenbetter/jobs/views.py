"""The jobs pages: what the workers are doing and what they did (system leads), and one job's
progress (system leads, and whoever ran an import the job answers)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from evenbetter.jobs.registry import job_kind
from evenbetter.jobs.selectors import can_see_jobs, jobs_under_way, jobs_visible_to


@login_required
def job_list_view(request: HttpRequest) -> HttpResponse:
    if not can_see_jobs(request.user):
        raise PermissionDenied("Only system leads see the platform's jobs.")
    # Reads only: a job whose worker stopped is said so (``worker_stopped``) and taken back by a
    # worker's turn, never by a page view (which would queue again a job another worker is about to run).
    page = Paginator(jobs_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "under_way": jobs_under_way(request.user)})


def _job_context(request: HttpRequest, pk: int) -> dict:
    # Not found (rather than forbidden) for a job one may not see: nothing is given away.
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    try:
        kind_name = job_kind(job.kind).name
    except ValueError:
        kind_name = job.kind
    return {
        "job": job,
        "kind_name": kind_name,
        "imports": job.import_runs.select_related("run_by").order_by("-finished_at", "-pk")[:20],
        "can_see_jobs": can_see_jobs(request.user),
        "risk_after_import": settings.EVENBETTER_RISK_AFTER_IMPORT,
    }


@login_required
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", _job_context(request, pk))


@login_required
def job_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page (or, with ``?row=1``, the row of /jobs/) that polls itself while
    the job is under way; a finished job's fragment has no trigger, so the polling stops."""
    template = "jobs/_job_row.html" if request.GET.get("row") else "jobs/_job_progress.html"
    return render(request, template, _job_context(request, pk))
