"""Every write of partnership life: one function each, keyword-only, inside a transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.analytics.network import contact_measures
from evenbetter.indicators.computed import computed_observations_record
from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.indicators.store import StagedObservation
from evenbetter.partnerships.apps import action_records_changed
from evenbetter.partnerships.indicators import RETURN_INDICATORS
from evenbetter.partnerships.models import (
    Action,
    Agency,
    AgencyContact,
    AgencyLink,
    AgencyMember,
    BoardMeeting,
    Challenge,
    Contact,
    GovernanceReview,
    Meeting,
    SchoolContactSummary,
)
from evenbetter.partnerships.selectors import NO_BETWEENNESS, contact_summary_frames
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.vocabulary.periods import parse_period

# More schools moved than this (a national register's first import): every kept row is dropped.
CONTACT_SUMMARY_DROPPED_ONE_BY_ONE = 2000


def contact_summaries_dropped(*, school_ids: Collection[int] | None = None, **kwargs: object) -> int:
    """These schools joined or left a partnership (``None``: some schools, unnamed): their kept
    contact summaries no longer hold, nor those of the schools they have had contact with (the
    share of contact outside one's partnerships is over both ends of a contact). Worked out when
    next read, until tonight's. Received from the register (``schools.signals.
    partnership_members_changed``, connected in ``apps.py``), inside its transaction. Returns the
    rows dropped."""
    kept = SchoolContactSummary.objects.all()
    if school_ids is not None:
        ids = set(school_ids)
        if not ids:
            return 0
        if len(ids) <= CONTACT_SUMMARY_DROPPED_ONE_BY_ONE:
            for school_id, other_id in Contact.objects.filter(
                Q(school_id__in=sorted(ids)) | Q(other_school_id__in=sorted(ids))
            ).values_list("school_id", "other_school_id"):
                ids |= {school_id, other_id}
        if len(ids) <= CONTACT_SUMMARY_DROPPED_ONE_BY_ONE:
            kept = kept.filter(school_id__in=sorted(ids))
    return kept.delete()[0]


@dataclass(frozen=True)
class ActionAgreed:
    title: str
    owner_school: School
    due_on: dt.date


@transaction.atomic
def meeting_record(
    *,
    partnership: Partnership,
    held_on: dt.date,
    title: str,
    schools_present: Sequence[School],
    notes: str,
    actions: Sequence[ActionAgreed],
    recorded_by: User | None,
    is_generated: bool = False,
) -> Meeting:
    meeting = Meeting.objects.create(
        partnership=partnership,
        held_on=held_on,
        title=title,
        notes=notes,
        recorded_by=recorded_by,
        is_generated=is_generated,
    )
    meeting.schools_present.set(schools_present)
    Action.objects.bulk_create(
        [
            Action(
                title=action.title,
                partnership=partnership,
                meeting=meeting,
                owner_school=action.owner_school,
                agreed_on=held_on,
                due_on=action.due_on,
                created_by=recorded_by,
                is_generated=is_generated,
            )
            for action in actions
        ]
    )
    action_records_changed()  # a bulk insert sends no post_save: the glance of partnership life is kept over actions
    return meeting


@transaction.atomic
def action_update(*, action: Action, status: str, done_on: dt.date | None, evidence: str) -> Action:
    """A done action keeps the day it was done; one reopened forgets it."""
    action.status = status
    action.done_on = (done_on or timezone.localdate()) if status == Action.Status.DONE else None
    action.evidence = evidence
    action.save(update_fields=["status", "done_on", "evidence"])
    return action


@transaction.atomic
def action_give(*, action: Action, assignee: User | None, to_agency: bool) -> Action:
    """Give an action to a person, or to the agency it is shared with, or back to its owner
    school (neither). One of the two at most; an action shared with no agency cannot be given to one."""
    if assignee is not None and to_agency:
        raise ValueError("an action is given to a person or to its agency, not both")
    if to_agency and action.agency_id is None:
        raise ValueError("this action is shared with no agency")
    action.assignee = assignee
    action.assigned_to_agency = to_agency
    action.save(update_fields=["assignee", "assigned_to_agency"])
    return action


def contact_record(
    *, school: School, other_school: School, kind: str, happened_on: dt.date, about: str, recorded_by: User | None
) -> Contact:
    figures_changed()  # the network pictures kept in the figures cache count contacts
    # The two schools' kept summaries are out of date: worked out when next read, until tonight's.
    SchoolContactSummary.objects.filter(school__in=[school, other_school]).delete()
    return Contact.objects.create(
        school=school,
        other_school=other_school,
        kind=kind,
        happened_on=happened_on,
        about=about,
        recorded_by=recorded_by,
    )


@dataclass(frozen=True)
class ChallengeAsked:
    area: str
    question: str


@transaction.atomic
def board_meeting_record(
    *,
    school: School,
    held_on: dt.date,
    governors_places: int,
    governors_present: int,
    vacancies: int,
    notes: str,
    challenges: Sequence[ChallengeAsked],
    recorded_by: User | None,
) -> BoardMeeting:
    meeting = BoardMeeting.objects.create(
        school=school,
        held_on=held_on,
        governors_places=governors_places,
        governors_present=governors_present,
        vacancies=vacancies,
        notes=notes,
        recorded_by=recorded_by,
    )
    Challenge.objects.bulk_create(
        [Challenge(board_meeting=meeting, area=c.area, question=c.question) for c in challenges]
    )
    return meeting


@transaction.atomic
def workforce_return_record(
    *, school: School, period: str, values: dict[str, float], recorded_by: User | None
) -> ImportRun:
    """A school's own workforce return, kept as observations with provenance like any import."""
    period_text, period_start = parse_period(period)
    staged = [
        StagedObservation(
            school.pk, code, period_text, period_start, float(value), Observation.Status.VALUE, False, 0, code
        )
        for code, value in values.items()
    ]
    return computed_observations_record(
        source_format="workforce_return",
        file_name=f"(entered on the web for {school.name})",
        staged=staged,
        definitions=RETURN_INDICATORS,
        rows_read=1,
        options={"period": period_text, "school": school.pk},
        run_by=recorded_by,
    )


def governance_review_record(
    *, school: School, reviewed_on: dt.date, kind: str, summary: str, recorded_by: User | None
) -> GovernanceReview:
    return GovernanceReview.objects.create(
        school=school, reviewed_on=reviewed_on, kind=kind, summary=summary, recorded_by=recorded_by
    )


# --- agencies, their teams and contacts, and where they work ------------------------------------


class AgencyProblem(ValueError):
    """A change to an agency that cannot be made, in words for the page."""


def agency_create(*, name: str, kind: str) -> Agency:
    if Agency.objects.filter(name__iexact=name).exists():
        raise AgencyProblem(f'There is already an agency called "{name}".')
    return Agency.objects.create(name=name, kind=kind)


def agency_update(*, agency: Agency, name: str, kind: str) -> Agency:
    if Agency.objects.filter(name__iexact=name).exclude(pk=agency.pk).exists():
        raise AgencyProblem(f'There is already an agency called "{name}".')
    agency.name, agency.kind = name, kind
    agency.save(update_fields=["name", "kind"])
    return agency


def agency_contact_add(*, agency: Agency, name: str, team: str, role: str, email: str, phone: str) -> AgencyContact:
    return AgencyContact.objects.create(agency=agency, name=name, team=team, role=role, email=email, phone=phone)


def agency_contact_remove(*, contact: AgencyContact) -> None:
    """The links that named the contact stay, without a named person."""
    contact.delete()


def agency_link_add(
    *,
    agency: Agency,
    school: School | None = None,
    locality: Locality | None = None,
    contact: AgencyContact | None = None,
    note: str = "",
) -> AgencyLink:
    """The agency works with a school or a whole locality (one of the two), through a contact if named."""
    if (school is None) == (locality is None):
        raise AgencyProblem("Say either the school or the locality the agency works with, not both.")
    if contact is not None and contact.agency_id != agency.pk:
        raise AgencyProblem(f"{contact.name} works for {contact.agency.name}, not {agency.name}.")
    place = school or locality
    if AgencyLink.objects.filter(agency=agency, school=school, locality=locality).exists():
        raise AgencyProblem(f"{agency.name} already works with {place}.")
    return AgencyLink.objects.create(agency=agency, school=school, locality=locality, contact=contact, note=note)


def agency_link_remove(*, link: AgencyLink) -> None:
    link.delete()


def agency_member_add(*, agency: Agency, who: str) -> AgencyMember:
    """Someone who works for the agency, found by username or e-mail: they must already hold a
    partner-agency role (invited on the People page), which says where they work; this says for
    whom, so they see and act on the requests and actions addressed to the agency."""
    who = who.strip()
    user = User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who), is_active=True).first() if who else None
    if user is None:
        raise AgencyProblem(f'No active account has the username or e-mail "{who}".')
    if not user.memberships.filter(role=Role.PARTNER_AGENCY).exists():
        raise AgencyProblem(
            f"{user} has no partner-agency role yet: invite them as a partner agency on the People page first."
        )
    if AgencyMember.objects.filter(agency=agency, user=user).exists():
        raise AgencyProblem(f"{user} already works for {agency.name}.")
    return AgencyMember.objects.create(agency=agency, user=user)


def agency_member_remove(*, member: AgencyMember) -> None:
    """They no longer act for the agency; their role (where they work) stays until ended on the People page."""
    member.delete()


def contact_summaries_keep(*, today: dt.date | None = None) -> int:
    """Every school's contact summary as at ``today``, worked out in one pass
    (``analytics.network.contact_measures`` over every contact) and kept
    (``SchoolContactSummary``), replacing the ones kept. Run by the refresh and each night;
    returns the number of schools."""
    today = today or timezone.localdate()
    contacts, schools = contact_summary_frames()
    measures = contact_measures(contacts, schools, as_of=today, settings=NO_BETWEENNESS)

    def plain(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    rows = [
        SchoolContactSummary(
            school_id=int(row["school_id"]),
            as_of=today,
            contacts=int(row["contacts"]),
            distinct_peers=int(row["distinct_peers"]),
            days_since_contact=plain(row["days_since_contact"]),
            outside_partnership_share=plain(row["outside_partnership_share"]),
            isolated=bool(row["isolated"]),
        )
        for row in measures.to_dict("records")
    ]
    with transaction.atomic():
        SchoolContactSummary.objects.all().delete()
        SchoolContactSummary.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
