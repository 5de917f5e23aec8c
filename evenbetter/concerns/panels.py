"""Concerns on other pages: a line at a glance on the school page and a link to raise one
(for whoever may), and on the home page what waits for the reader (answers to give, answers
received)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from evenbetter.accounts.selectors import scope_of
from evenbetter.concerns import selectors
from evenbetter.concerns.models import Concern
from evenbetter.pages.registry import Panel, register

ANSWERS_SHOWN = 5


@register
class GlanceConcerns(Panel):
    """At a glance: how many live concerns there are about the school and how many wait for
    an answer, for those who may read them; the contents are on the concerns page (audited)."""

    page = "glance"
    order = 210
    template = "concerns/_glance.html"
    title = "Concerns"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return selectors.may_read_concerns_of(request.user, subject)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        concerns = selectors.concerns_visible_to(request.user).filter(school=subject, status__in=selectors.LIVE)
        return {
            "live": concerns.count(),
            "waiting": concerns.filter(status=Concern.Status.OPEN).count(),
            "may_raise": selectors.may_raise_about(request.user, subject),
        }


@register
class RaiseConcernLink(Panel):
    """In the school page's head, beside its other links: raise a concern, for whoever works
    with the school."""

    page = "school-head-links"
    order = 150
    template = "concerns/_school_link.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return selectors.may_raise_about(request.user, subject)


@register
class HomeConcerns(Panel):
    """Home, beside the early warning's concerns: concerns about one's own school waiting for
    an answer, and answers to the concerns one raised."""

    page = "home"
    order = 35
    template = "concerns/_home.html"
    title = "Concerns raised by people"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        # Only when something is there: a concern waiting, raised, or in the lead's schools.
        return selectors.may_raise_any(request.user) and self._in_view(request).exists()

    @staticmethod
    def _in_view(request: HttpRequest) -> Any:
        user = request.user
        scope = scope_of(user)
        concerns = selectors.concerns_visible_to(user).filter(status__in=selectors.LIVE)
        if scope.is_system_lead:
            return concerns
        return concerns.filter(Q(raised_by_id=user.pk) | Q(school_id__in=scope.school_ids | scope.led_group_school_ids))

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        user = request.user
        scope = scope_of(user)
        mine = selectors.concerns_visible_to(user).filter(raised_by_id=user.pk)
        lead_view = selectors.concerns_visible_to(user).filter(status=Concern.Status.OPEN)
        if not scope.is_system_lead:
            lead_view = lead_view.filter(school_id__in=scope.led_group_school_ids)
        return {
            "waiting": list(selectors.waiting_for_answer(user)[:10]),
            "answered_mine": list(mine.filter(status=Concern.Status.ANSWERED).order_by("-answered_at")[:ANSWERS_SHOWN]),
            "open_mine": mine.filter(status=Concern.Status.OPEN).count(),
            "open_in_scope": lead_view.count() if scope.is_system_lead or scope.leads_a_group else None,
        }
