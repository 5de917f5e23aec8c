"""Support's panels: in the school improvement profile, the help the school asked for and the
help it gave, as far as the reader may see each request; on the home page, first, the help
requests with a step that waits for the reader, and for a partner agency's users the
requests addressed to their service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from reportlab.platypus import Table
from reportlab.platypus.flowables import Flowable

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.indicators.figures_cache import records_holders, school_part_key
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.models import School
from evenbetter.schools.profile import ProfileSection
from evenbetter.schools.profile_pdf import para, table
from evenbetter.support.impact import SUPPORT_RECORDS, impact_for
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import (
    HelpRequestView,
    can_ask_for,
    can_offer_for,
    help_request_seen_by,
    help_requests_visible_to,
)
from evenbetter.support.workflow import help_requests_for_service, help_requests_waiting_for


@dataclass(frozen=True)
class SupportRow:
    """A help request the school made, or one it helped with, as far as the reader may see it."""

    title: str
    area: str
    other_school: str  # who helped (for a request it made) or whom it helped
    status: str
    days_given: str
    benefit: str
    impact: list[str]
    generated: bool
    pk: int = 0
    is_open: bool = False  # not yet closed: asked and still under way


@dataclass(frozen=True)
class SupportSection:
    asked: list[SupportRow]
    given: list[SupportRow]

    @property
    def has_generated(self) -> bool:
        return any(row.generated for row in self.asked + self.given)


def _benefit(help_request: HelpRequest) -> str:
    reviews = list(help_request.reviews.all())
    if not reviews:
        return ""
    return "; ".join(
        f"{review.get_side_display()}: {review.benefit} of 5, objectives {review.get_objectives_met_display().lower()}"
        for review in reviews
    )


def _support_row(seen: HelpRequestView, other_name: str) -> SupportRow:
    """The brokerage (time given, reviews, impact) only for those who follow it, as on the
    request's own page."""
    help_request, involved = seen.help_request, seen.involved
    closed = help_request.status == HelpRequest.Status.CLOSED
    engagements = help_request.engagements.all()
    return SupportRow(
        title=help_request.title,
        area=help_request.get_area_display(),
        other_school=other_name if involved else "",
        status=help_request.get_status_display(),
        days_given=f"{help_request.days_given:g} days" if involved and engagements else "",
        benefit=_benefit(help_request) if involved else "",
        impact=[line.words for line in impact_for(help_request)] if involved and closed else [],
        generated=help_request.is_generated,
        pk=help_request.pk,
        is_open=not closed,
    )


def _support(user: AnyUser, school: School, *, open_only: bool = False) -> tuple[list[SupportRow], list[SupportRow]]:
    """``open_only``: only the requests still under way (``SupportRow.is_open``), chosen in SQL,
    so that the closed ones' rows, reviews and measured impact are never worked out."""
    visible = (
        help_requests_visible_to(user)
        .select_related("school", "supporter", "supporter_agency")
        .prefetch_related("engagements", "reviews")
    )
    if open_only:
        visible = visible.exclude(status=HelpRequest.Status.CLOSED)
    # Each request as this reader may see it (support.selectors.help_request_seen_by, the one
    # redaction the pages, the export and the API use too). A request it made is listed only
    # where the reader may know who asked: listing an anonymous one would name the school.
    # The requests it made and those it supports, in one query (split below, in its order).
    requests = list(visible.filter(Q(school=school) | Q(supporter=school)))
    asked = [
        _support_row(seen, seen.supporter_name or "Nobody yet")
        for seen in (help_request_seen_by(user, r) for r in requests if r.school_id == school.pk)
        if seen.named
    ]
    # Who helps whom is part of the brokerage: seen by the two schools' people and the brokers.
    given = [
        _support_row(seen, seen.school_label)
        for seen in (help_request_seen_by(user, r) for r in requests if r.supporter_id == school.pk)
        if seen.involved
    ]
    return asked, given


def _support_table(rows: list[SupportRow], other: str) -> Table:
    data = [
        [
            para(f"{row.title} ({row.area})", "cell", generated=row.generated),
            para(row.status, "cell"),
            para(row.other_school or "—", "cell"),
            para(row.days_given or "—", "cell"),
            para(row.benefit or "—", "cell"),
            para(" ".join(row.impact) or "—", "cell"),
        ]
        for row in rows
    ]
    header = ["Request", "Status", other, "Time given", "Felt benefit", "What changed (measured)"]
    return table(header, data, [0.2, 0.1, 0.15, 0.09, 0.2, 0.26])


@register
class SupportReceivedAndGiven(ProfileSection):
    key = "support"
    order = 400  # Reaching out, as on the school page
    template = "support/_profile_section.html"
    title = "Support received and given"

    def section(self, request: HttpRequest, school: School) -> SupportSection:
        asked, given = _support(request.user, school)
        return SupportSection(asked, given)

    def pdf_flowables(self, section: SupportSection) -> list[Flowable]:
        story: list[Flowable] = [para("Support received and given", "h2"), para("Help it asked for", "h3")]
        story.append(
            _support_table(section.asked, "Helped by") if section.asked else para("No request you can see.", "muted")
        )
        story.append(para("Help it gave", "h3"))
        story.append(
            _support_table(section.given, "Helped") if section.given else para("No support you can see.", "muted")
        )
        story.append(
            para(
                "What changed is the school's change in the area against its family's over the same years: what "
                "changed alongside the support, not proof that the support caused it.",
                "muted",
            )
        )
        return story


# --- the school page ---------------------------------------------------------------------------


@register
class GlanceHelp(Panel):
    """At a glance: the help the school asked for and the help it gives that are still under
    way, each as the reader may see it (``help_request_seen_by``, through the profile's rows)."""

    page = "glance"
    order = 300
    template = "support/_glance.html"
    title = "Help asked and given"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Drawn from the requests the school made and those it helps, each as the reader may see
        # it, with the other schools' names (the register: renewed with the figures by the
        # refresh that follows its import): kept per reader's access shape until a request, an
        # event, days given, a review, an offer or an agency is written (the support records'
        # generation).
        return school_part_key(
            "panel:glance-help", user=request.user, school=subject, records=SUPPORT_RECORDS, daily=False
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        # A school that neither asked for help still under way nor gives any (most of them) has
        # none for anyone to see: nothing to read.
        held = subject.pk in records_holders(SUPPORT_RECORDS)
        asked, given = _support(request.user, subject, open_only=True) if held else ([], [])
        return {
            "open_asked": asked,
            "open_given": given,
            "can_ask": can_ask_for(request.user, subject),
        }


@register
class ReachingOut(Panel):
    page = "school"
    order = 400
    template = "support/_school_reaching_out.html"
    title = "Reaching out"
    slug = "reaching-out"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        asked, given = _support(request.user, subject)
        return {
            "section": SupportSection(asked, given),
            "can_ask": can_ask_for(request.user, subject),
            "can_offer": can_offer_for(request.user, subject),
        }


@register
class HelpWaitingForYou(Panel):
    """The home page's first question: which requests and brokerage steps wait for me?"""

    page = "home"
    order = 10
    template = "support/_home_waiting.html"
    title = "Help waiting for you"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        # Those who take brokerage steps: the brokers and the leaders of schools that ask or help.
        scope = scope_of(request.user)
        return scope.is_system_lead or scope.leads_a_group or bool(scope.school_ids)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        waiting, total = help_requests_waiting_for(request.user)
        return {"help_waiting": waiting, "help_waiting_total": total}


@register
class RequestsForYourService(Panel):
    """On the home page of a partner agency's users: the open requests addressed to their
    agency, and the step each waits for (agree, log time, review)."""

    page = "home"
    order = 11
    template = "support/_home_for_service.html"
    title = "Requests for your service"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return bool(scope_of(request.user).agency_ids)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        found, total = help_requests_for_service(request.user)
        return {"for_service": found, "for_service_total": total}
