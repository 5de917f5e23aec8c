"""Reads of the jobs page: running and recent jobs, for system leads only."""

from __future__ import annotations

from django.db.models import QuerySet

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.jobs.models import Job


def can_see_jobs(user: AnyUser) -> bool:
    """The platform's own work (what runs, what failed and why) is for system leads."""
    return scope_of(user).is_system_lead


def jobs_visible_to(user: AnyUser) -> QuerySet[Job]:
    if not can_see_jobs(user):
        return Job.objects.none()
    return Job.objects.all()


def jobs_under_way(user: AnyUser) -> QuerySet[Job]:
    return jobs_visible_to(user).filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING])
