"""Concerns on other pages: a line at a glance on the school page and a link to raise one
(for whoever may), and on the home page what waits for the reader (answers to give, answers
received)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from evenbetter.concerns import selectors
from evenbetter.concerns.apps import CONCERN_RECORDS
from evenbetter.concerns.models import Concern
from evenbetter.indicators.figures_cache import records_holders, school_part_key
from evenbetter.pages.registry import Panel, register


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

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Counted from the concerns the reader may read (theirs too) and whether they may raise
        # one (who works with whom: contacts in the last two years, so today): kept per reader's
        # access shape until a concern is written (the concerns' generation) or the day turns.
        return school_part_key(
            "panel:glance-concerns", user=request.user, school=subject, records=CONCERN_RECORDS, daily=True
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        if subject.pk not in records_holders(CONCERN_RECORDS):
            counted = {"live": 0, "waiting": 0}  # no live concern about the school, for anyone
        else:
            # Both counts in one query (each query built is about half a millisecond of a first view).
            concerns = selectors.concerns_visible_to(request.user).filter(school=subject, status__in=selectors.LIVE)
            counted = concerns.aggregate(live=Count("pk"), waiting=Count("pk", filter=Q(status=Concern.Status.OPEN)))
        return {
            "live": counted["live"],
            "waiting": counted["waiting"],
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
    """Home, beside the early warning and answers: concerns about one's own school waiting for
    an answer, and answers to the concerns one raised; shown only when there is something."""

    page = "home"
    order = 35
    template = "concerns/_home.html"
    title = "Concerns raised by people"

    @staticmethod
    def _figures(request: HttpRequest) -> selectors.HomeConcernFigures:
        # Asked by is_shown and then by context: worked out once per request.
        figures = getattr(request, "_evenbetter_home_concerns", None)
        if figures is None:
            figures = selectors.home_concern_figures(request.user)
            setattr(request, "_evenbetter_home_concerns", figures)  # noqa: B010
        return figures

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return selectors.may_raise_any(request.user) and self._figures(request).anything

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        figures = self._figures(request)
        return {
            "waiting": figures.waiting,
            "answered_mine": figures.answered_mine,
            "open_mine": figures.open_mine,
            "open_in_scope": figures.open_in_scope,
        }
