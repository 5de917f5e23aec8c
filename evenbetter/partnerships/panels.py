"""Partnership life as panels: on the home page the actions due; on a locality's page the link to its network picture; on the school page its contacts, the team around it and the
actions shared with agencies; on a partnership's page its meetings, actions, health and
who is in touch with whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from evenbetter.indicators.figures_cache import records_holders, school_part_key
from evenbetter.pages.registry import Panel, register
from evenbetter.partnerships.apps import ACTION_RECORDS
from evenbetter.partnerships.forms import action_done_form
from evenbetter.partnerships.selectors import (
    OPEN_ACTION_STATUSES,
    actions_due_for,
    actions_visible_to,
    can_record_contact,
    can_record_for_school,
    can_record_meeting,
    can_record_team_around,
    can_see_network_of_locality,
    can_see_network_of_partnership,
    may_update_some_action,
    partnership_actions,
    partnership_health,
    partnership_meetings,
    partnership_network_picture,
    school_contact_summary,
    school_contacts,
    shared_actions_of_school,
    team_around_school,
)
from evenbetter.schools.models import School
from evenbetter.schools.selectors import partnership_memberships


@register
class LocalityNetworkLink(Panel):
    page = "locality"
    order = 100
    template = "partnerships/_locality_network_link.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_network_of_locality(request.user, subject)


@register
class GlanceLife(Panel):
    """At a glance: partnership life in one line, contact with peers and the actions due."""

    page = "glance"
    order = 400
    template = "partnerships/_glance.html"
    title = "Partnership life"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Drawn from the school's open actions as the reader may see them, and its contact
        # summary (contacts renew the figures' generation) as at today (overdue, days since):
        # kept per reader's access shape until an action is written (the actions' generation)
        # or the day turns.
        return school_part_key(
            "panel:glance-life", user=request.user, school=subject, records=ACTION_RECORDS, daily=True
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        today = timezone.localdate()
        next_action = None
        counted = {"open": 0, "overdue": 0}
        # A school with no action agreed or in progress (most of them) has none for anyone to see.
        if school.pk in records_holders(ACTION_RECORDS):
            open_actions = actions_visible_to(request.user).filter(owner_school=school, status__in=OPEN_ACTION_STATUSES)
            next_action = open_actions.order_by("due_on", "pk").first()
            # Both counts in one query (each query built is about half a millisecond of a first view).
            counted = open_actions.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        return {
            "contact_summary": school_contact_summary(user=request.user, school=school, today=today),
            "actions_open": counted["open"],
            "actions_overdue": counted["overdue"],
            "next_action": next_action,
        }


@register
class SchoolLife(Panel):
    page = "school"
    order = 500
    template = "partnerships/_school_life.html"
    title = "Partnership life"
    slug = "partnership-life"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        return {
            "contact_summary": school_contact_summary(user=request.user, school=school),
            "contacts": school_contacts(user=request.user, school=school, limit=8),
            "can_record_for_school": can_record_for_school(request.user, school),
            "can_record_contact": can_record_contact(request.user, school),
            "can_record_team_around": can_record_team_around(request.user, school),
            "team_around": team_around_school(user=request.user, school=school),
            "shared_actions": shared_actions_of_school(user=request.user, school=school),
            "today": timezone.localdate(),
        }


@register
class PartnershipLife(Panel):
    page = "partnership"
    order = 200
    template = "partnerships/_partnership_life.html"
    title = "Partnership at work"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        partnership = subject
        today = timezone.localdate()
        actions = list(
            partnership_actions(user=request.user, partnership=partnership, since=today - dt.timedelta(days=365))
        )
        network = None
        if can_see_network_of_partnership(request.user, partnership):
            memberships = partnership_memberships(user=request.user, partnership=partnership)
            network = partnership_network_picture(partnership, [m.school_id for m in memberships if m.left_on is None])
        return {
            "health": partnership_health(user=request.user, partnership=partnership),
            "meetings": partnership_meetings(user=request.user, partnership=partnership)[:12],
            "actions": actions,
            "overdue_actions": [a for a in actions if a.is_overdue(today)],
            "can_record_meeting": can_record_meeting(request.user, partnership),
            "network": network,
        }


@register
class ActionsDueForYou(Panel):
    """On the home page, after the help waiting: the agreed actions that are yours to do and due."""

    page = "home"
    order = 20
    template = "partnerships/_home_actions_due.html"
    title = "Actions due"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return may_update_some_action(request.user)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        due = actions_due_for(request.user)
        # Each with its own "mark it done" form, posted in place by htmx (partnerships.views.action_update_view).
        return {"actions_due": due, "due_items": [(a, action_done_form(a, today=due.today)) for a in due.actions]}

    def scripts(self, context: dict[str, Any]) -> list[str]:
        return ["web/vendor/htmx.min.js", "web/interactions.js"] if context["due_items"] else []
