"""Reads of the register that views use; each starts from a scoped selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from evenbetter.accounts.selectors import AnyUser
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to, schools_visible_to
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School
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
