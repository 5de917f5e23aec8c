"""Reads of the register that views use; each starts from a scoped selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from evenbetter.accounts.selectors import AnyUser
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to, schools_visible_to
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School, SchoolLink
from evenbetter.vocabulary.grades import REGISTER_RATINGS

OFSTED_GRADES = REGISTER_RATINGS


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    phase: str = ""
    locality: Locality | None = None
    partnership: Partnership | None = None
    ofsted: str = ""
    status: str = "open"  # "open", "closed" or "all"


def school_directory(*, user: AnyUser, filters: DirectoryFilters) -> QuerySet[School]:
    schools = schools_visible_to(user)
    if filters.query:
        text = filters.query.strip()
        condition = Q(name__icontains=text) | Q(town__icontains=text) | Q(postcode__icontains=text)
        if text.isdigit():
            condition |= Q(urn=int(text))
        schools = schools.filter(condition)
    if filters.phase:
        schools = schools.filter(phase=filters.phase)
    if filters.locality is not None:
        schools = schools.filter(localities=filters.locality)
    if filters.partnership is not None:
        schools = schools.filter(
            partnership_memberships__partnership=filters.partnership, partnership_memberships__left_on__isnull=True
        )
    if filters.ofsted == "none":
        schools = schools.filter(ofsted_rating="")
    elif filters.ofsted:
        schools = schools.filter(ofsted_rating=filters.ofsted)
    if filters.status == "open":
        schools = schools.exclude(status=School.Status.CLOSED)
    elif filters.status == "closed":
        schools = schools.filter(status=School.Status.CLOSED)
    return schools.distinct().order_by("name", "urn")


def phases_visible_to(user: AnyUser) -> list[str]:
    return list(schools_visible_to(user).exclude(phase="").order_by("phase").values_list("phase", flat=True).distinct())


def school_partnership_memberships(*, user: AnyUser, school: School) -> QuerySet[PartnershipMembership]:
    """The school's partnerships, current first, as far as the user may see them."""
    return (
        PartnershipMembership.objects.filter(school=school, partnership__in=partnerships_visible_to(user))
        .select_related("partnership")
        .order_by("left_on", "partnership__name")
    )


def locality_schools(*, user: AnyUser, locality: Locality) -> QuerySet[School]:
    return schools_visible_to(user).filter(localities=locality).exclude(status=School.Status.CLOSED).order_by("name")


def partnership_memberships(*, user: AnyUser, partnership: Partnership) -> QuerySet[PartnershipMembership]:
    return (
        PartnershipMembership.objects.filter(partnership=partnership, school__in=schools_visible_to(user))
        .select_related("school")
        .order_by("left_on", "school__name")
    )


def localities_with_counts(*, user: AnyUser) -> QuerySet[Locality]:
    return localities_visible_to(user).annotate(
        open_schools=Count("schools", filter=~Q(schools__status=School.Status.CLOSED))
    )


def partnerships_with_counts(*, user: AnyUser) -> QuerySet[Partnership]:
    return partnerships_visible_to(user).annotate(
        current_members=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    )


@dataclass(frozen=True)
class LinkedSchool:
    """The other school of a link, as one reader sees it: its page linked only if they may open it."""

    school: School
    linked_on: dt.date | None
    may_open: bool


def school_links_seen_by(*, user: AnyUser, school: School) -> tuple[list[LinkedSchool], list[LinkedSchool]]:
    """The school's predecessors and successors. The reader may see ``school`` (the page checked
    that); the names of the schools it was and became are register facts of its own history,
    but each is a link only for a reader who may open that school's page."""
    before = list(SchoolLink.objects.filter(successor=school).select_related("predecessor").order_by("linked_on"))
    after = list(SchoolLink.objects.filter(predecessor=school).select_related("successor").order_by("linked_on"))
    others = [link.predecessor_id for link in before] + [link.successor_id for link in after]
    visible = set(schools_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    return (
        [LinkedSchool(link.predecessor, link.linked_on, link.predecessor_id in visible) for link in before],
        [LinkedSchool(link.successor, link.linked_on, link.successor_id in visible) for link in after],
    )


def successor_of_each_predecessor() -> dict[int, int]:
    """Predecessor school id -> the school that carries its history now (following a chain of
    links to its end). A school that became more than one school (a split) is left as it is:
    its history cannot be given to one of them."""
    successors: dict[int, set[int]] = {}
    for predecessor, successor in SchoolLink.objects.filter(kind=SchoolLink.Kind.PREDECESSOR).values_list(
        "predecessor_id", "successor_id"
    ):
        successors.setdefault(predecessor, set()).add(successor)
    single = {predecessor: next(iter(found)) for predecessor, found in successors.items() if len(found) == 1}
    resolved: dict[int, int] = {}
    for predecessor in single:
        current, seen = predecessor, {predecessor}
        while current in single and single[current] not in seen:
            current = single[current]
            seen.add(current)
        if current not in single:  # the end of the chain (a loop of links has none)
            resolved[predecessor] = current
    return resolved
