"""The jobs page: what the workers are doing and what they did, for system leads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evenbetter.jobs.selectors import can_see_jobs, jobs_under_way, jobs_visible_to
from evenbetter.jobs.services import jobs_recover


@login_required
def job_list_view(request: HttpRequest) -> HttpResponse:
    if not can_see_jobs(request.user):
        raise PermissionDenied("Only system leads see the platform's jobs.")
    jobs_recover()  # a job whose worker died is shown waiting to retry (or failed), not running
    page = Paginator(jobs_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "under_way": jobs_under_way(request.user)})
