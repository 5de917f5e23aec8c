"""``{{ job|worker_stopped }}``: why a running job's worker seems to have stopped, or nothing —
what the jobs pages say instead of taking the job back themselves (a worker's turn does)."""

from __future__ import annotations

from django import template

from evenbetter.jobs.models import Job
from evenbetter.jobs.selectors import worker_stopped as worker_stopped_reason

register = template.Library()


@register.filter
def worker_stopped(job: Job) -> str:
    return worker_stopped_reason(job) or ""
