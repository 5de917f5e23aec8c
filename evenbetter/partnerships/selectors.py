"""Who may see and record partnership life, and the reads views use.

The rules (DESIGN.md, "Users and what they may see"):

- a partnership's meetings and actions: its lead, the leaders of its current member
  schools, and system leads; they may also record them;
- an action's progress: the owner school's leaders, the partnership's lead, system leads
  (who may also give it to someone), and whoever it is given to: a person (a staff member's
  "actions given to them") or the agency it is shared with (that agency's users);
- a school's contacts, governance and workforce returns: whoever sees the school in full
  (its leaders, its partnership lead, system leads) and its governors; they record them,
  and a governor records their own board's meetings;
- the network picture: system leads for a locality, a partnership's lead (and system
  leads) for a partnership — isolation is a leading trigger, like risk;
- the team around the school (agencies and contacts): the school's own people, whoever
  sees it in full, and partner agencies that work with it; shared actions with an agency
  are seen by that agency's users in the schools they work with;
- agencies, their teams and contacts are kept on the web by system leads and locality leads:
  a locality lead adds agencies, edits those that work in their localities (or nowhere yet),
  and says which of their localities and schools an agency works with;
- the team around one school is kept by its leaders, the lead of its locality and system
  leads (not a partnership lead: the team is the place's, not the cluster's);
- governance reviews are recorded by whoever records the board's meetings: the school's
  governors, its leaders and the leads who see it in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.analytics.network import NetworkSettings, contact_graph, contact_measures, contact_metrics, graph_layout
from evenbetter.analytics.partnership_health import action_metrics, attendance_metrics
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.partnerships.models import (
    Action,
    Agency,
    AgencyLink,
    BoardMeeting,
    Contact,
    GovernanceReview,
    Meeting,
    SchoolContactSummary,
)
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School
from evenbetter.vocabulary.periods import academic_year_end, academic_year_of

# The pages show peers, days and isolation, not betweenness: skip the slow measure.
NO_BETWEENNESS = NetworkSettings(betweenness=False)


def _member_ids(partnership: Partnership) -> set[int]:
    return set(
        PartnershipMembership.objects.filter(partnership=partnership, left_on__isnull=True).values_list(
            "school_id", flat=True
        )
    )


def can_see_partnership_life(user: AnyUser, partnership: Partnership) -> bool:
    scope = scope_of(user)
    return (
        scope.is_system_lead
        or partnership.pk in scope.led_partnership_ids
        or bool(scope.school_ids & _member_ids(partnership))
    )


can_record_meeting = can_see_partnership_life


def can_see_network_of_partnership(user: AnyUser, partnership: Partnership) -> bool:
    scope = scope_of(user)
    return scope.is_system_lead or partnership.pk in scope.led_partnership_ids


def can_see_network_of_locality(user: AnyUser, locality: Locality) -> bool:
    """A locality's picture of who works with whom: system leads and the locality's own lead."""
    scope = scope_of(user)
    return scope.is_system_lead or locality.pk in scope.led_locality_ids


def can_assign_action(user: AnyUser, action: Action) -> bool:
    """Who answers for an action and may give it to someone: the owner school's leaders, the
    partnership's lead, system leads."""
    scope = scope_of(user)
    return (
        scope.is_system_lead
        or action.owner_school_id in scope.school_ids
        or action.owner_school_id in scope.locality_school_ids
        or (action.partnership_id is not None and action.partnership_id in scope.led_partnership_ids)
    )


def is_given_to(user: AnyUser, action: Action) -> bool:
    """The action is given to this user, or to the agency they work for (and it shares it)."""
    if not user.is_authenticated:
        return False
    if action.assignee_id is not None and action.assignee_id == user.pk:
        return True
    return action.assigned_to_agency and action.agency_id in scope_of(user).agency_ids


def can_update_action(user: AnyUser, action: Action) -> bool:
    """Its progress (status, done with evidence): whoever answers for it, and whoever it is given to."""
    return can_assign_action(user, action) or is_given_to(user, action)


def actions_updatable_by(user: AnyUser, actions: QuerySet[Action]) -> QuerySet[Action]:
    """``actions`` narrowed in SQL to those ``can_update_action`` allows (the same rule, for a
    list counted or cut in the database: a system lead's actions due are every open action in
    England). Checked against ``can_update_action`` for every persona and kind of action in
    ``tests/partnerships/test_actions_updatable_by.py``."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return actions
    answers_for = Q(owner_school_id__in=scope.school_ids | scope.locality_school_ids) | Q(
        partnership_id__in=scope.led_partnership_ids
    )
    if not user.is_authenticated:
        return actions.filter(answers_for)
    given = Q(assignee_id=user.pk)
    if scope.agency_ids:
        given |= Q(assigned_to_agency=True, agency_id__in=scope.agency_ids)
    return actions.filter(answers_for | given)


def may_update_some_action(user: AnyUser) -> bool:
    """Whether ``can_update_action`` can say yes to any action at all: a system lead, a
    school's leader, a partnership's or a locality's lead, an agency's user, or someone given
    an action (the home page asks before listing actions due)."""
    scope = scope_of(user)
    if scope.is_system_lead or scope.leads_a_group or scope.school_ids or scope.agency_ids:
        return True
    return user.is_authenticated and Action.objects.filter(assignee_id=user.pk).exists()


def people_to_give_action(action: Action) -> QuerySet[User]:
    """Who an action may be given to: the owner school's leaders and staff members."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__school_id=action.owner_school_id,
            memberships__role__in=[Role.SCHOOL_LEADER, Role.STAFF_MEMBER],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def can_see_school_records(user: AnyUser, school: School) -> bool:
    """Contacts, governance and workforce returns: the school's own people (governors and staff too)."""
    return school_access(user, school) in (SchoolAccess.FULL, SchoolAccess.GOVERNOR, SchoolAccess.STAFF)


def can_record_for_school(user: AnyUser, school: School) -> bool:
    """Workforce returns: whoever sees the school in full."""
    return school_access(user, school) == SchoolAccess.FULL


def can_record_contact(user: AnyUser, school: School) -> bool:
    """A contact with another school (a visit, joint training, a call): whoever sees the school
    in full, and its own staff members, who make most of them."""
    return school_access(user, school) in (SchoolAccess.FULL, SchoolAccess.STAFF)


def can_record_board_meeting(user: AnyUser, school: School) -> bool:
    return school_access(user, school) in (SchoolAccess.FULL, SchoolAccess.GOVERNOR)


can_record_governance_review = can_record_board_meeting


def can_manage_agencies(user: AnyUser) -> bool:
    """The agencies' pages, and adding an agency: system leads and locality leads."""
    scope = scope_of(user)
    return scope.is_system_lead or bool(scope.led_locality_ids)


def can_edit_agency(user: AnyUser, agency: Agency) -> bool:
    """An agency's name, kind, teams and contacts: a system lead, or a locality lead when the
    agency works in their localities (or nowhere yet: one just added)."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return True
    if not scope.led_locality_ids:
        return False
    links = AgencyLink.objects.filter(agency=agency)
    return (
        not links.exists()
        or links.filter(Q(locality_id__in=scope.led_locality_ids) | Q(school_id__in=scope.locality_school_ids)).exists()
    )


def can_link_agency_to_locality(user: AnyUser, locality: Locality) -> bool:
    scope = scope_of(user)
    return scope.is_system_lead or locality.pk in scope.led_locality_ids


def localities_agency_may_work_in(user: AnyUser) -> QuerySet[Locality]:
    """The localities a user may say an agency works across: any (system lead), or those they lead."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return Locality.objects.order_by("name")
    return Locality.objects.filter(pk__in=scope.led_locality_ids).order_by("name")


def can_record_team_around(user: AnyUser, school: School) -> bool:
    """Which agencies work with one school: its leaders, its locality's lead, system leads."""
    scope = scope_of(user)
    return scope.is_system_lead or school.pk in scope.school_ids or school.pk in scope.locality_school_ids


def can_remove_agency_link(user: AnyUser, link: AgencyLink) -> bool:
    if link.school is not None:
        return can_record_team_around(user, link.school)
    return link.locality is not None and can_link_agency_to_locality(user, link.locality)


def agencies_visible_to(user: AnyUser) -> QuerySet[Agency]:
    """The agencies' pages list every agency to those who keep them (the names of services)."""
    if not can_manage_agencies(user):
        return Agency.objects.none()
    return Agency.objects.all()


def agencies_with_counts(user: AnyUser) -> QuerySet[Agency]:
    """The agencies' list: each with how many contacts it names and places it works."""
    return agencies_visible_to(user).annotate(
        contact_count=Count("contacts", distinct=True), link_count=Count("links", distinct=True)
    )


def agencies_to_choose_from() -> QuerySet[Agency]:
    """Any agency may be named as working with a school: the list of services is not private."""
    return Agency.objects.order_by("name")


def agency_links(agency: Agency) -> QuerySet[AgencyLink]:
    return AgencyLink.objects.filter(agency=agency).select_related("school", "locality", "contact")


def can_see_team_around(user: AnyUser, school: School) -> bool:
    return school_access(user, school) in (
        SchoolAccess.FULL,
        SchoolAccess.GOVERNOR,
        SchoolAccess.STAFF,
        SchoolAccess.AGENCY,
    )


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    scope = scope_of(user)
    actions = Action.objects.select_related("owner_school", "partnership", "agency", "meeting")
    if scope.is_system_lead:
        return actions
    member_partnerships = set(
        PartnershipMembership.objects.filter(school_id__in=scope.school_ids, left_on__isnull=True).values_list(
            "partnership_id", flat=True
        )
    )
    condition = Q(partnership_id__in=scope.led_partnership_ids | member_partnerships) | Q(
        owner_school_id__in=scope.full_school_ids
    )
    if scope.agency_school_ids or scope.agency_locality_ids:
        condition |= Q(agency__isnull=False) & (
            Q(owner_school_id__in=scope.agency_school_ids) | Q(owner_school__localities__in=scope.agency_locality_ids)
        )
    # What is given to the user, or to their agency.
    if user.is_authenticated:
        condition |= Q(assignee_id=user.pk)
    if scope.agency_ids:
        condition |= Q(assigned_to_agency=True, agency_id__in=scope.agency_ids)
    return actions.filter(pk__in=Action.objects.filter(condition).values("pk"))


@dataclass(frozen=True)
class PartnershipHealth:
    meetings_12m: int
    attendance_rate: float | None
    days_since_meeting: float | None
    agreed: int
    done: int
    overdue: int
    open: int
    completion_rate: float | None
    attendance_by_year: list[tuple[str, float | None, int]]  # (academic year, attendance rate, meetings)


def _attendance_frames(partnership: Partnership) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    meetings = pd.DataFrame.from_records(
        Meeting.objects.filter(partnership=partnership).values_list("pk", "partnership_id", "held_on"),
        columns=["meeting_id", "partnership_id", "held_on"],
    )
    attendance = pd.DataFrame.from_records(
        Meeting.schools_present.through.objects.filter(meeting__partnership=partnership).values_list(
            "meeting_id", "school_id"
        ),
        columns=["meeting_id", "school_id"],
    )
    members = pd.DataFrame.from_records(
        PartnershipMembership.objects.filter(partnership=partnership).values_list(
            "partnership_id", "school_id", "joined_on", "left_on"
        ),
        columns=["partnership_id", "school_id", "joined_on", "left_on"],
    )
    return meetings, attendance, members


def partnership_health(
    *, user: AnyUser, partnership: Partnership, today: dt.date | None = None
) -> PartnershipHealth | None:
    if not can_see_partnership_life(user, partnership):
        return None
    today = today or timezone.localdate()
    # The same for everyone who may see the partnership's life (checked above): kept in the
    # figures cache for the day, under what it is worked out from (``_life_stamp``), so that a
    # meeting or an action recorded or updated is counted on the next read.
    return figures_cached(
        "partnership-health",
        lambda: _partnership_health(partnership, today),
        scope=(partnership.pk, today, _life_stamp(partnership)),
    )


def _life_stamp(partnership: Partnership) -> tuple[object, ...]:
    """Counts and newest ids of what a partnership's health reads — its meetings and who came,
    its actions by status and when done, its members joining and leaving: any write of them
    changes one of these (three small queries against the dozen the health takes)."""
    meetings = Meeting.objects.filter(partnership=partnership).aggregate(
        n=Count("pk", distinct=True), last=Max("pk"), present=Count("schools_present"), held=Max("held_on")
    )
    statuses = {f"status_{status}": Count("pk", filter=Q(status=status)) for status in Action.Status.values}
    actions = Action.objects.filter(partnership=partnership).aggregate(
        n=Count("pk"), last=Max("pk"), done=Count("done_on"), done_last=Max("done_on"), due_last=Max("due_on"),
        **statuses,
    )  # fmt: skip
    members = PartnershipMembership.objects.filter(partnership=partnership).aggregate(
        n=Count("pk"), last=Max("pk"), left=Count("left_on"), left_last=Max("left_on")
    )
    return tuple(sorted(meetings.items())), tuple(sorted(actions.items())), tuple(sorted(members.items()))


def _partnership_health(partnership: Partnership, today: dt.date) -> PartnershipHealth:
    meetings, attendance, members = _attendance_frames(partnership)
    per_partnership, _ = attendance_metrics(meetings, attendance, members, as_of=today)
    row = per_partnership[per_partnership["partnership_id"] == partnership.pk]
    actions = pd.DataFrame.from_records(
        Action.objects.filter(partnership=partnership).values_list(
            "pk", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"
        ),
        columns=["action_id", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"],
    )
    counts = action_metrics(actions, as_of=today, by="partnership_id")
    action_row = counts[counts["partnership_id"] == partnership.pk]

    def first(frame: pd.DataFrame, column: str) -> float | None:
        if frame.empty or pd.isna(frame[column].iloc[0]):
            return None
        return float(frame[column].iloc[0])

    by_year = []
    if not meetings.empty:
        years = sorted({academic_year_of(d) for d in meetings["held_on"]})
        for year in years[-4:]:
            end = min(academic_year_end(year), today)
            per, _ = attendance_metrics(meetings, attendance, members, as_of=end)
            this = per[per["partnership_id"] == partnership.pk]
            by_year.append((year, first(this, "attendance_rate"), int(first(this, "meetings") or 0)))
    return PartnershipHealth(
        meetings_12m=int(first(row, "meetings") or 0),
        attendance_rate=first(row, "attendance_rate"),
        days_since_meeting=first(row, "last_meeting_days"),
        agreed=int(first(action_row, "agreed") or 0),
        done=int(first(action_row, "done") or 0),
        overdue=int(first(action_row, "overdue") or 0),
        open=int(first(action_row, "open") or 0),
        completion_rate=first(action_row, "completion_rate"),
        attendance_by_year=by_year,
    )


def partnership_meetings(*, user: AnyUser, partnership: Partnership) -> QuerySet[Meeting]:
    if not can_see_partnership_life(user, partnership):
        return Meeting.objects.none()
    return Meeting.objects.filter(partnership=partnership).prefetch_related("schools_present", "actions__owner_school")


def partnership_actions(*, user: AnyUser, partnership: Partnership, since: dt.date | None = None) -> QuerySet[Action]:
    """The partnership's actions, those agreed since a date (the health figures' 12 months) when given."""
    if not can_see_partnership_life(user, partnership):
        return Action.objects.none()
    actions = Action.objects.filter(partnership=partnership).select_related("owner_school")
    if since is not None:
        actions = actions.filter(agreed_on__gt=since)
    return actions.order_by("due_on", "pk")


@dataclass(frozen=True)
class NetworkNode:
    school: School
    x: float
    y: float
    peers: int
    isolated: bool
    days_since: float | None


@dataclass(frozen=True)
class NetworkEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    weight: int


@dataclass(frozen=True)
class NetworkPicture:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    isolated: list[NetworkNode]
    as_of: dt.date
    size: int = 640


def locality_network_picture(locality: Locality) -> NetworkPicture:
    """A locality's network picture, as at today, kept in the figures cache (its layout takes
    seconds for a few hundred schools); for whoever may see it at all (system leads), so it
    is the same for every reader. Renewed by any new contact or refresh."""
    today = timezone.localdate()
    # Keyed by its schools too: an agreed locality's schools change without new figures.
    school_ids = tuple(sorted(locality.schools.values_list("pk", flat=True)))
    return figures_cached(
        "locality-network",
        lambda: network_picture(locality.schools.all(), today=today),
        scope=(locality.pk, today, school_ids),
    )


def partnership_network_picture(partnership: Partnership, member_ids: list[int]) -> NetworkPicture:
    """A partnership's network picture of its current members, as at today, kept in the figures
    cache like a locality's (for whoever may see it at all: the same for every reader)."""
    today = timezone.localdate()
    ids = tuple(sorted(member_ids))
    return figures_cached(
        "partnership-network",
        lambda: network_picture(School.objects.filter(pk__in=ids), today=today),
        scope=(partnership.pk, today, ids),
    )


def network_picture(schools: QuerySet[School], *, today: dt.date | None = None, size: int = 640) -> NetworkPicture:
    """The contact network of a set of schools over the last 12 months; isolated ones stand out."""
    today = today or timezone.localdate()
    by_id = {s.pk: s for s in schools.exclude(status=School.Status.CLOSED)}
    ids = list(by_id)
    frame = pd.DataFrame({"school_id": ids, "partnership_ids": [[] for _ in ids]})
    contacts = pd.DataFrame.from_records(
        Contact.objects.filter(school_id__in=ids, other_school_id__in=ids).values_list(
            "school_id", "other_school_id", "happened_on", "kind"
        ),
        columns=["school_id", "other_school_id", "happened_on", "kind"],
    )
    metrics: dict[Any, dict[Any, Any]] = (
        contact_metrics(contacts, frame, as_of=today, settings=NO_BETWEENNESS).set_index("school_id").to_dict("index")
    )
    graph = contact_graph(contacts, frame, as_of=today)
    layout = graph_layout(graph, seed=0)
    pad = 20
    span = size - 2 * pad

    def place(school_id: int) -> tuple[float, float]:
        x, y = layout[school_id]
        return round(pad + x * span, 1), round(pad + y * span, 1)

    nodes = []
    for school_id in ids:
        x, y = place(school_id)
        row = metrics[school_id]
        days = row["days_since_contact"]
        nodes.append(
            NetworkNode(
                by_id[school_id],
                x,
                y,
                int(row["distinct_peers"]),
                bool(row["isolated"]),
                None if pd.isna(days) else float(days),
            )
        )
    edges = []
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = place(a), place(b)
        edges.append(NetworkEdge(x1, y1, x2, y2, int(data.get("weight", 1))))
    isolated = sorted((n for n in nodes if n.isolated), key=lambda n: n.school.name)
    return NetworkPicture(nodes, edges, isolated, today, size)


def school_contacts(*, user: AnyUser, school: School, limit: int = 20) -> QuerySet[Contact]:
    if not can_see_school_records(user, school):
        return Contact.objects.none()
    return (
        Contact.objects.filter(Q(school=school) | Q(other_school=school))
        .select_related("school", "other_school")
        .order_by("-happened_on", "-pk")[:limit]
    )


@dataclass(frozen=True)
class ContactSummary:
    distinct_peers: int
    contacts: int
    days_since_contact: float | None
    outside_partnership_share: float | None
    isolated: bool


def school_contact_summary(*, user: AnyUser, school: School, today: dt.date | None = None) -> ContactSummary | None:
    if not can_see_school_records(user, school):
        return None
    today = today or timezone.localdate()
    # The same for everyone who may see the school's records (checked above). Worked out for
    # every school by the refresh and each night (``services.contact_summaries_keep``): one row,
    # read on its own day only.
    kept = SchoolContactSummary.objects.filter(school_id=school.pk, as_of=today).first()
    if kept is not None:
        return ContactSummary(
            distinct_peers=kept.distinct_peers,
            contacts=kept.contacts,
            days_since_contact=kept.days_since_contact,
            outside_partnership_share=kept.outside_partnership_share,
            isolated=kept.isolated,
        )
    # Else worked out now, kept in the figures cache for the day, renewed by any new contact
    # (``contact_record``) or refresh.
    return figures_cached(
        "school-contact-summary", lambda: _school_contact_summary(school, today), scope=(school.pk, today)
    )


def contact_summary_frames(school_ids: Collection[int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a contact summary is worked out from: the contacts of ``school_ids`` (every contact
    when None), and every school they involve with its current partnerships."""
    rows = Contact.objects.all()
    if school_ids is not None:
        rows = rows.filter(Q(school_id__in=school_ids) | Q(other_school_id__in=school_ids))
    contacts = pd.DataFrame.from_records(
        rows.values_list("school_id", "other_school_id", "happened_on", "kind"),
        columns=["school_id", "other_school_id", "happened_on", "kind"],
    )
    peers = set(contacts["school_id"]) | set(contacts["other_school_id"]) | set(school_ids or ())
    if school_ids is None:
        peers |= set(School.objects.values_list("pk", flat=True))
    partnership_of: dict[int, list[int]] = {}
    memberships = PartnershipMembership.objects.filter(left_on__isnull=True)
    if school_ids is not None:
        memberships = memberships.filter(school_id__in=peers)
    for school_id, partnership_id in memberships.values_list("school_id", "partnership_id"):
        partnership_of.setdefault(school_id, []).append(partnership_id)
    ordered = sorted(peers)
    schools = pd.DataFrame({"school_id": ordered, "partnership_ids": [partnership_of.get(p, []) for p in ordered]})
    return contacts, schools


def _school_contact_summary(school: School, today: dt.date) -> ContactSummary:
    contacts, schools = contact_summary_frames([school.pk])
    row: dict[Any, Any] = (
        contact_measures(contacts, schools, as_of=today, settings=NO_BETWEENNESS)
        .set_index("school_id")
        .to_dict("index")[school.pk]
    )
    return ContactSummary(
        distinct_peers=int(row["distinct_peers"]),
        contacts=int(row["contacts"]),
        days_since_contact=None if pd.isna(row["days_since_contact"]) else float(row["days_since_contact"]),
        outside_partnership_share=None
        if pd.isna(row["outside_partnership_share"])
        else float(row["outside_partnership_share"]),
        isolated=bool(row["isolated"]),
    )


def school_board_meetings(*, user: AnyUser, school: School) -> QuerySet[BoardMeeting]:
    if not can_see_school_records(user, school):
        return BoardMeeting.objects.none()
    return BoardMeeting.objects.filter(school=school).prefetch_related("challenges")


def team_around_school(*, user: AnyUser, school: School) -> QuerySet[AgencyLink]:
    if not can_see_team_around(user, school):
        return AgencyLink.objects.none()
    localities = school.localities.values("pk")
    return (
        AgencyLink.objects.filter(Q(school=school) | Q(locality__in=localities))
        .select_related("agency", "contact", "locality")
        .order_by("agency__name")
    )


def shared_actions_of_school(*, user: AnyUser, school: School) -> QuerySet[Action]:
    """Actions a school shares with a partner agency: the team around the school at work."""
    if not can_see_team_around(user, school):
        return Action.objects.none()
    return Action.objects.filter(owner_school=school, agency__isnull=False).select_related("agency").order_by("due_on")


def school_governance_reviews(*, user: AnyUser, school: School) -> QuerySet[GovernanceReview]:
    if not can_see_school_records(user, school):
        return GovernanceReview.objects.none()
    return GovernanceReview.objects.filter(school=school)


ACTIONS_DUE_WITHIN = dt.timedelta(days=14)
ACTIONS_DUE_SHOWN = 8


@dataclass(frozen=True)
class ActionsDue:
    """The open actions the user may update that are overdue or due soon, soonest first."""

    actions: list[Action]
    total: int
    overdue: int
    today: dt.date


def actions_due_for(user: AnyUser, *, today: dt.date | None = None) -> ActionsDue:
    today = today or timezone.localdate()
    open_and_due = actions_visible_to(user).filter(
        status__in=[Action.Status.AGREED, Action.Status.IN_PROGRESS], due_on__lte=today + ACTIONS_DUE_WITHIN
    )
    # Whose they are is can_update_action's rule (the owner school's leaders, the partnership's
    # lead), in SQL: counted there, and only the few shown are read.
    mine = actions_updatable_by(user, open_and_due)
    return ActionsDue(
        actions=list(mine.order_by("due_on", "pk")[:ACTIONS_DUE_SHOWN]),
        total=mine.count(),
        # Action.is_overdue for open actions (every action here is open).
        overdue=mine.filter(due_on__lt=today).count(),
        today=today,
    )


OPEN_ACTION_STATUSES = (Action.Status.AGREED, Action.Status.IN_PROGRESS)


def schools_with_open_actions() -> frozenset[int]:
    """The schools that own an action agreed or in progress, whoever may see it: a school outside
    them has none due for anyone (``figures_cache.records_holders``, kept until an action is
    written)."""
    return frozenset(
        Action.objects.filter(status__in=OPEN_ACTION_STATUSES, owner_school__isnull=False).values_list(
            "owner_school_id", flat=True
        )
    )
