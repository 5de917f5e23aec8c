"""The home page's last question before the practice library, for system leads: imports and
jobs (what is under way, what failed lately, the latest imports)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.indicators.selectors import import_runs_visible_to
from evenbetter.jobs.selectors import can_see_jobs, jobs_failed_lately, jobs_under_way
from evenbetter.pages.registry import Panel, register

IMPORTS_SHOWN = 5


@register
class ImportsAndJobs(Panel):
    page = "home"
    order = 50
    template = "jobs/_home_imports_and_jobs.html"
    title = "Imports and jobs"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_jobs(request.user)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {
            "jobs_under_way": list(jobs_under_way(request.user)[:10]),
            "jobs_failed": list(jobs_failed_lately(request.user)[:10]),
            "recent_imports": list(import_runs_visible_to(request.user)[:IMPORTS_SHOWN]),
        }


# The school page's region between "At a glance" and its cards (``schools/school_detail.html``).
GLANCE_AS_AT = "glance-as-at"


@register
class GlanceAsAt(Panel):
    """How fresh the figures at a glance are, drawn on every view: the glance's cards are kept
    (``Panel.cache_key``) until their own data changes, not each time a refresh is queued,
    claimed or finished."""

    page = GLANCE_AS_AT
    template = "jobs/_glance_as_at.html"
    title = "How fresh the figures are"
