"""Reads of the register that views use; each starts from a scoped selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When

from evenbetter.accounts.models import Membership, Role
from evenbetter.accounts.selectors import AnyUser
from evenbetter.schools.access import (
    SchoolAccess,
    localities_visible_among,
    localities_visible_to,
    partnerships_visible_to,
    schools_visible_to,
)
from evenbetter.schools.models import (
    Locality,
    LocalityLink,
    Partnership,
    PartnershipMembership,
    School,
    SchoolIdentifier,
    SchoolLink,
)
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


def school_text_condition(text: str) -> Q:
    """The schools a few typed words find: part of the name, town or postcode, the URN, or a
    local number in any scheme (``SchoolIdentifier``), exactly. The directory's filter and the
    header's search both use it."""
    local = SchoolIdentifier.objects.filter(value__iexact=text).values("school_id")
    condition = Q(name__icontains=text) | Q(town__icontains=text) | Q(postcode__icontains=text) | Q(pk__in=local)
    if text.isdigit():
        condition |= Q(urn=int(text))
    return condition


def school_directory(*, user: AnyUser, filters: DirectoryFilters) -> QuerySet[School]:
    """The schools the reader may see that the filters keep, by name, each once with no DISTINCT:
    a school is in a locality once (the relation's unique pair) and in a partnership currently
    once (``partnership_one_current_membership``), and the other conditions are subqueries.
    DISTINCT over every column of 24,000 schools, and again to count them, was most of the
    directory's (and the API list's) time at national scale."""
    schools = schools_visible_to(user)
    if filters.query:
        schools = schools.filter(school_text_condition(filters.query.strip()))
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
    return schools.order_by("name", "urn")


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


def locality_history(*, user: AnyUser, locality: Locality) -> QuerySet[LocalityLink]:
    """Which schools joined and left an agreed locality, and when, newest first (schools the
    user may see)."""
    return (
        LocalityLink.objects.filter(locality=locality, school__in=schools_visible_to(user))
        .select_related("school")
        .order_by(F("left_on").desc(nulls_first=True), F("joined_on").desc(nulls_last=True), "school__name")
    )


def locality_leads(locality: Locality) -> list[str]:
    """The names of the people who lead a locality (shown on its page)."""
    return [
        str(m.user)
        for m in Membership.objects.filter(locality=locality, role=Role.LOCALITY_LEAD, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    ]


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
    # Both ways in one small query: a school with none (most of them) costs that alone; the other
    # schools (forty columns each) are read only when there are some.
    links = list(
        SchoolLink.objects.filter(Q(successor=school) | Q(predecessor=school))
        .only("predecessor_id", "successor_id", "linked_on")
        .order_by("linked_on", "pk")
    )
    if not links:
        return [], []
    before = [link for link in links if link.successor_id == school.pk]
    after = [link for link in links if link.predecessor_id == school.pk and link.successor_id != school.pk]
    others = [link.predecessor_id for link in before] + [link.successor_id for link in after]
    schools = School.objects.in_bulk(others)
    visible = set(schools_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    return (
        [LinkedSchool(schools[link.predecessor_id], link.linked_on, link.predecessor_id in visible) for link in before],
        [LinkedSchool(schools[link.successor_id], link.linked_on, link.successor_id in visible) for link in after],
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


SEARCH_SHOWN = 50
SEARCH_LONGEST = 100


@dataclass(frozen=True)
class SchoolSearch:
    """What a search found among the schools the reader may see; ``problem`` says, in plain
    words, why nothing was searched (an empty or unusable query)."""

    query: str
    problem: str
    schools: list[School]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.schools)


def school_search(*, user: AnyUser, query: str, among: QuerySet[School] | None = None) -> SchoolSearch:
    """Schools by name, town, postcode, URN or local number, best matches first: the exact
    number, then names that start with the words, then the rest; open schools before closed.
    ``among`` narrows the search to some of the schools the reader may see (a form's choices)."""
    text = " ".join(query.split())
    if not text:
        return SchoolSearch(text, "Type part of a school's name, a town, a URN or a local number.", [], 0)
    if len(text) > SEARCH_LONGEST:
        return SchoolSearch(
            text[:SEARCH_LONGEST],
            f"That search is {len(text)} characters long: use at most {SEARCH_LONGEST}.",
            [],
            0,
        )
    if len(text) < 2 and not text.isdigit():
        return SchoolSearch(text, "Type at least two letters of a name or a town.", [], 0)
    exact = Q(pk__in=SchoolIdentifier.objects.filter(value__iexact=text).values("school_id"))
    if text.isdigit():
        exact |= Q(urn=int(text))
    visible = schools_visible_to(user)
    if among is not None:
        visible = visible.filter(pk__in=among.values("pk"))
    found = (
        visible.filter(pk__in=School.objects.filter(school_text_condition(text)).values("pk"))
        .annotate(
            match=Case(
                When(exact, then=Value(0)),
                When(name__istartswith=text, then=Value(1)),
                When(name__icontains=text, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            closed=Case(
                When(status=School.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("match", "closed", "name", "urn")
    )
    shown: list[School] = list(found.prefetch_related("identifiers")[:SEARCH_SHOWN])
    total = len(shown) if len(shown) < SEARCH_SHOWN else found.count()
    return SchoolSearch(text, "", shown, total)


def register_stamp() -> tuple[object, ...]:
    """The register's stamp: how many schools it holds, the newest and the latest changed (every
    writer of the register sets ``updated_at``), so any change to it changes the stamp. What is
    kept over the register (a help request's suggested schools, the system's counts on the home
    page) names it in its key. Three queries that each read an index: one query of the three
    aggregates read every school's row (30–50 ms for all England on SQLite)."""
    schools = School.objects.order_by()
    return (
        ("changed", schools.aggregate(changed=Max("updated_at"))["changed"]),
        ("last", schools.aggregate(last=Max("pk"))["last"]),
        ("n", schools.count()),
    )


def school_page_context(user: AnyUser, school: School, access: SchoolAccess) -> dict[str, object]:
    """What the school's page and its sections' pages draw about the school (the register, its
    localities and partnerships), as this reader may see it; also the context its glance is
    drawn ahead in (``ops.drawn_ahead``)."""
    localities = list(school.localities.all())
    return {
        "school": school,
        "access": access,
        "access_name": access.name.lower(),
        "localities": localities,
        "visible_locality_ids": localities_visible_among(user, [locality.pk for locality in localities]),
        "memberships": school_partnership_memberships(user=user, school=school),
    }
