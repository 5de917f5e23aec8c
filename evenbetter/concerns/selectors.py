"""Who may raise, read, answer, withdraw and close a concern about a school: the one home of
those rules (DESIGN.md's roles, through ``schools/access.py``).

- **Raise**: anyone who works with the school — its own leaders, staff and governors, the
  leads who see it in full (system, its partnerships', its locality's), a partner agency that
  works with it, and a peer school's leader whose school shares a current partnership or a
  locality with it, or has recorded a contact with it in the last two years.
- **Read**: the school's leaders and governors, the leads who see it in full, and whoever
  raised it. Never another school, a staff member or an agency (unless they raised it).
- **Who raised it** is shown to system leads and the school's locality leads, to the raiser,
  and to the school only when the raiser agreed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.concerns.models import Concern
from evenbetter.partnerships.models import Contact
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import Locality, PartnershipMembership, School

# A contact this recent makes two schools ones that work together.
WORKED_WITH_DAYS = 730
LIVE = (Concern.Status.OPEN, Concern.Status.ANSWERED)


def works_with(school_ids: frozenset[int], school: School, *, today: dt.date | None = None) -> bool:
    """Whether one of ``school_ids`` works with ``school``: a current partnership or a
    locality in common, or a contact between them recorded in the last two years."""
    others = school_ids - {school.pk}
    if not others:
        return False
    shared_partnership = PartnershipMembership.objects.filter(
        school_id__in=others,
        left_on__isnull=True,
        partnership__memberships__school=school,
        partnership__memberships__left_on__isnull=True,
    ).exists()
    # Two filters, two joins: a locality of this school that also holds one of the others (the
    # related manager ``school.localities`` would reuse its own join and find none).
    shared_locality = Locality.objects.filter(schools=school).filter(schools__in=others).exists()
    if shared_partnership or shared_locality:
        return True
    since = (today or timezone.localdate()) - dt.timedelta(days=WORKED_WITH_DAYS)
    return Contact.objects.filter(
        Q(school_id__in=others, other_school=school) | Q(school=school, other_school_id__in=others),
        happened_on__gte=since,
    ).exists()


def may_raise_about(user: AnyUser, school: School) -> bool:
    access = school_access(user, school)
    if access in (SchoolAccess.FULL, SchoolAccess.GOVERNOR, SchoolAccess.STAFF, SchoolAccess.AGENCY):
        return True
    return access == SchoolAccess.PUBLIC and works_with(scope_of(user).school_ids, school)


def may_raise_any(user: AnyUser) -> bool:
    """Whether the user works with any school at all (the "raise a concern" page opens)."""
    scope = scope_of(user)
    return bool(
        scope.is_system_lead
        or scope.full_school_ids
        or scope.governed_school_ids
        or scope.staff_school_ids
        or scope.agency_school_ids
        or scope.agency_locality_ids
    )


def _reader_school_ids(user: AnyUser) -> frozenset[int]:
    scope = scope_of(user)
    return scope.school_ids | scope.governed_school_ids | scope.led_group_school_ids


def may_read_concerns_of(user: AnyUser, school: School) -> bool:
    """The school's concerns page and section: its leaders and governors, and the leads who
    see it in full."""
    return scope_of(user).is_system_lead or school.pk in _reader_school_ids(user)


def concerns_visible_to(user: AnyUser) -> QuerySet[Concern]:
    if not user.is_authenticated:
        return Concern.objects.none()
    concerns = Concern.objects.select_related("school", "raised_by", "answered_by", "closed_by")
    if scope_of(user).is_system_lead:
        return concerns
    return concerns.filter(Q(school_id__in=_reader_school_ids(user)) | Q(raised_by_id=user.pk))


def shows_raiser(user: AnyUser, concern: Concern) -> bool:
    scope = scope_of(user)
    if scope.is_system_lead or concern.school_id in scope.locality_school_ids:
        return True
    if user.is_authenticated and concern.raised_by_id == user.pk:
        return True
    return concern.name_shown_to_school and concern.school_id in scope.school_ids | scope.governed_school_ids


def may_answer(user: AnyUser, concern: Concern) -> bool:
    """The school's own leaders answer (and may answer again) while it is live."""
    return concern.status in LIVE and concern.school_id in scope_of(user).school_ids


def may_withdraw(user: AnyUser, concern: Concern) -> bool:
    return concern.status in LIVE and user.is_authenticated and concern.raised_by_id == user.pk


def may_close(user: AnyUser, concern: Concern) -> bool:
    """A lead who holds the school's watch list closes a concern with a note (dealt with, or abuse)."""
    scope = scope_of(user)
    return concern.status in LIVE and (scope.is_system_lead or concern.school_id in scope.led_group_school_ids)


@dataclass(frozen=True)
class ConcernView:
    """A concern as one reader may see it: whether they are told who raised it, and which steps
    (answer, withdraw, close) they may take on it now. Pages show this, never the bare model."""

    concern: Concern
    raiser_shown: bool
    may_answer: bool
    may_withdraw: bool
    may_close: bool


def concern_seen_by(user: AnyUser, concern: Concern) -> ConcernView:
    """The one view of a concern for a reader, from the rules above."""
    return ConcernView(
        concern=concern,
        raiser_shown=shows_raiser(user, concern),
        may_answer=may_answer(user, concern),
        may_withdraw=may_withdraw(user, concern),
        may_close=may_close(user, concern),
    )


def raised_lately_by(user: AnyUser, *, hours: int = 24) -> int:
    """How many concerns the user raised in the last ``hours`` (the flood limit counts these)."""
    since = timezone.now() - dt.timedelta(hours=hours)
    return Concern.objects.filter(raised_by_id=user.pk, raised_at__gte=since).count()


def live_concerns_by_school(school_ids: list[int]) -> dict[int, list[Concern]]:
    """Live concerns of these schools, newest first, for the watch list (whose readers see
    these schools in full)."""
    found: dict[int, list[Concern]] = {}
    for concern in Concern.objects.filter(school_id__in=school_ids, status__in=LIVE).order_by("-raised_at"):
        found.setdefault(concern.school_id, []).append(concern)
    return found


def waiting_for_answer(user: AnyUser) -> QuerySet[Concern]:
    """Open concerns about the user's own schools: they wait for an answer from them."""
    return (
        concerns_visible_to(user)
        .filter(school_id__in=scope_of(user).school_ids, status=Concern.Status.OPEN)
        .order_by("raised_at")
    )


HOME_WAITING_SHOWN = 10
HOME_ANSWERS_SHOWN = 5


@dataclass(frozen=True)
class HomeConcernFigures:
    """What the home page's "Concerns raised by people" shows its reader: the concerns about their
    own schools waiting for their answer, the answers to concerns they raised, how many they
    raised still wait, and (for a system lead or a lead of a group) how many about the schools
    they support wait for an answer (None for everyone else)."""

    waiting: list[Concern]
    answered_mine: list[Concern]
    open_mine: int
    open_in_scope: int | None

    @property
    def anything(self) -> bool:
        return bool(self.waiting or self.answered_mine or self.open_mine or self.open_in_scope)


def home_concern_figures(user: AnyUser) -> HomeConcernFigures:
    """The home panel's figures in three queries: the two lists, and both counts at once."""
    scope = scope_of(user)
    visible = concerns_visible_to(user)
    mine = Q(raised_by_id=user.pk)
    counts_lead = scope.is_system_lead or scope.leads_a_group
    figures = {"open_mine": Count("pk", filter=mine)}
    if counts_lead:
        figures["open_in_scope"] = (
            Count("pk") if scope.is_system_lead else Count("pk", filter=Q(school_id__in=scope.led_group_school_ids))
        )
    counts = visible.filter(status=Concern.Status.OPEN).aggregate(**figures)
    return HomeConcernFigures(
        waiting=list(waiting_for_answer(user)[:HOME_WAITING_SHOWN]),
        answered_mine=list(
            visible.filter(mine, status=Concern.Status.ANSWERED).order_by("-answered_at")[:HOME_ANSWERS_SHOWN]
        ),
        open_mine=counts["open_mine"],
        open_in_scope=counts.get("open_in_scope"),
    )


def schools_with_live_concerns() -> frozenset[int]:
    """The schools with a live concern, whoever may read it: a school outside them counts none
    for anyone (``figures_cache.records_holders``, kept until a concern is written)."""
    return frozenset(Concern.objects.filter(status__in=LIVE).values_list("school_id", flat=True))
