"""Goals on the school page (at a glance and a section), the partnership and locality pages and
the dashboards; the celebrating feed on the home page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from evenbetter.accounts.selectors import scope_of
from evenbetter.analytics.goals import STATUS_WORDS
from evenbetter.goals.apps import GOAL_RECORDS
from evenbetter.goals.selectors import (
    Owner,
    can_set_goals_for,
    can_speak_for,
    celebrations_visible_to,
    goals_of,
    goals_visible_to,
    goals_with_progress,
    member_ids,
)
from evenbetter.indicators.figures_cache import records_holders, school_part_key
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.models import Locality, Partnership, School

GLANCE_GOALS = 3


def _set_url(owner: Owner) -> str:
    if isinstance(owner, School):
        return reverse("school_goal_create", args=[owner.pk])
    if isinstance(owner, Partnership):
        return reverse("partnership_goal_create", args=[owner.slug])
    return reverse("locality_goal_create", args=[owner.slug])


def _goals_context(request: HttpRequest, owner: Owner, limit: int = 50) -> dict[str, Any]:
    # A school without a goal (most of them) shows none to anyone: nothing to read, nor a query
    # built (the reader's goals are a query of several parts: about 0.6 ms of a first view).
    none_held = isinstance(owner, School) and owner.pk not in records_holders(GOAL_RECORDS)
    goals = None if none_held else goals_of(request.user, owner)
    rows = [] if goals is None else goals_with_progress(goals, limit=limit)
    return {
        "goal_rows": rows,
        "goal_more": max(goals.count() - len(rows), 0) if goals is not None and len(rows) == limit else 0,
        "can_set": can_set_goals_for(request.user, owner),
        "set_url": _set_url(owner),
    }


@register
class GlanceGoals(Panel):
    page = "glance"
    order = 150  # after where it stands against similar schools, before trouble ahead
    template = "goals/_glance.html"
    title = "Goals"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Drawn from the school's goals as the reader may see them, their progress on the values
        # (the figures' generation) and today (behind, missed): kept per reader's access shape
        # until a goal is written (the goals' generation) or the day turns.
        return school_part_key(
            "panel:glance-goals", user=request.user, school=subject, records=GOAL_RECORDS, daily=True
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return _goals_context(request, subject, limit=GLANCE_GOALS)


@register
class SchoolGoals(Panel):
    page = "school"
    order = 250  # after Even better, whose targets a goal is set against
    template = "goals/_section.html"
    title = "Goals"
    slug = "goals"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return _goals_context(request, subject)


@register
class PartnershipGoals(Panel):
    page = "partnership"
    order = 150  # after its shared outcomes
    template = "goals/_section.html"
    title = "Shared goals"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {**_goals_context(request, subject), "goals_title": "Shared goals"}


@register
class LocalityGoals(Panel):
    page = "locality"
    order = 200  # after the network link
    template = "goals/_section.html"
    title = "Shared goals"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {**_goals_context(request, subject), "goals_title": "Shared goals"}


DASHBOARD_GOALS = 20


@register
class DashboardGoals(Panel):
    """The dashboards' goals: those of the schools shown, and of the locality or partnership
    chosen (every shared goal when none is)."""

    page = "dashboard"
    order = 100
    template = "goals/_dashboard.html"
    title = "Goals"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        filters: dict[str, str] = subject or {}
        goals = goals_visible_to(request.user)
        condition = Q()
        if filters.get("locality"):
            locality = Locality.objects.filter(slug=filters["locality"]).first()
            if locality is not None:
                condition &= Q(locality=locality) | Q(school_id__in=member_ids(locality))
        if filters.get("partnership"):
            partnership = Partnership.objects.filter(slug=filters["partnership"]).first()
            if partnership is not None:
                condition &= Q(partnership=partnership) | Q(school_id__in=member_ids(partnership))
        if filters.get("phase"):
            condition &= Q(school__phase=filters["phase"])
        goals = goals.filter(condition).order_by("due_on", "pk")
        rows = goals_with_progress(goals, limit=DASHBOARD_GOALS)
        counts = Counter(row.status.status for row in rows)
        return {
            "goal_rows": rows,
            "goal_total": goals.count(),
            "goal_counts": [(STATUS_WORDS[status], counts[status]) for status in STATUS_WORDS if counts[status]],
        }


HOME_CELEBRATIONS = 8


@register
class Celebrating(Panel):
    """Celebrate, on the home page: a met goal, support that clearly worked, a large improvement
    against similar schools, practice many schools tried, near the reader and as they may see it."""

    page = "home"
    order = 800  # before the practice library's stories (900)
    template = "goals/_home_celebrating.html"
    title = "Celebrating"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return bool(scope_of(request.user).roles)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        found = celebrations_visible_to(request.user, limit=HOME_CELEBRATIONS, near=True)
        return {
            "celebrations": [
                {"celebration": celebration, "can_speak": can_speak_for(request.user, celebration)}
                for celebration in found
            ]
        }
