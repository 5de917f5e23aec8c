"""Which schools, localities and partnerships a user may see, and how much of a school: the one
home of the rules in DESIGN.md's table "Users and what they may see".

- a system lead sees everything;
- a locality lead sees the schools of the localities it leads in full, the rest as a school
  leader does;
- a partnership lead sees its member schools in full, the rest as a school leader does;
- a school leader sees its own school in full, other schools' public data;
- a staff member sees its own school without its risk (``STAFF``), other schools' public data;
- a governor sees its own school, read-only (and its locality's outcomes on the dashboards:
  ``dashboards.selectors.outcome_schools``);
- a partner agency sees the localities and schools it works with;
- anyone else (anonymous, or a user with no membership) sees nothing.

Views never call ``Model.objects.all()``: they call one of these and narrow it down; a view
about one school starts with ``visible_school`` (forbidden when hidden, not found when absent).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from evenbetter.accounts.selectors import AnyUser, UserScope, scope_of
from evenbetter.schools.models import Locality, Partnership, School


class SchoolAccess(enum.IntEnum):
    """How much of one school a user may see, from nothing to everything."""

    NONE = 0
    PUBLIC = 1  # register facts, public data, benchmarks and shared practice
    AGENCY = 2  # a partner agency that works with the school
    STAFF = 3  # a staff member's own school: its local records and partnership life, never its risk
    GOVERNOR = 4  # its own school, read-only
    FULL = 5  # everything the system holds about the school, its risk included


def _agency_school_filter(scope: UserScope) -> Q:
    return Q(pk__in=scope.agency_school_ids) | Q(localities__in=scope.agency_locality_ids)


def sees_every_school(user: AnyUser) -> bool:
    """Whether the user may open every school's page (``schools_visible_to`` is then all of them):
    what is worked out over every school can be kept once for all such readers."""
    return scope_of(user).sees_public_data


def schools_visible_to(user: AnyUser) -> QuerySet[School]:
    """Every school whose page the user may open."""
    scope = scope_of(user)
    if sees_every_school(user):
        return School.objects.all()
    if not (scope.governed_school_ids or scope.agency_school_ids or scope.agency_locality_ids):
        return School.objects.none()
    condition = Q(pk__in=scope.governed_school_ids) | _agency_school_filter(scope)
    return School.objects.filter(pk__in=School.objects.filter(condition).values("pk"))


def schools_in_full_view_of(user: AnyUser) -> QuerySet[School]:
    """Schools the user sees in full, their risk and requests included."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return School.objects.all()
    return School.objects.filter(pk__in=scope.full_school_ids)


def full_view_among(user: AnyUser, school_ids: Iterable[int]) -> list[int]:
    """Those of ``school_ids`` the user sees in full (``schools_in_full_view_of``'s rule, with
    no query: for ids read already, all England's on a dashboard), sorted."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return sorted(school_ids)
    return sorted(set(school_ids) & set(scope.full_school_ids))


def school_access(user: AnyUser, school: School) -> SchoolAccess:
    scope = scope_of(user)
    if scope.is_system_lead or school.pk in scope.full_school_ids:
        return SchoolAccess.FULL
    if school.pk in scope.governed_school_ids:
        return SchoolAccess.GOVERNOR
    if school.pk in scope.staff_school_ids:
        return SchoolAccess.STAFF
    if school.pk in scope.agency_school_ids or (
        scope.agency_locality_ids and school.localities.filter(pk__in=scope.agency_locality_ids).exists()
    ):
        return SchoolAccess.AGENCY
    if scope.sees_public_data:
        return SchoolAccess.PUBLIC
    return SchoolAccess.NONE


def access_shape(user: AnyUser, school: School) -> tuple[object, ...]:
    """What a reader's view of ``school`` depends on, as a key for what is kept of it (the school
    page's glance: ``pages.registry``, the panels' ``cache_key``): the same for every system lead
    (every rule gives a system lead everything, whatever else they hold), else the person, their
    access to the school and everything their memberships add up to — so that a kept part is
    shared only by those who are shown the same, and a membership given or ended (a new scope)
    is never shown what was kept for the old one. The rules that read the person's own rows (the
    concerns they raised, the actions given to them) are covered by the person."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return ("system lead",)
    return (
        user.pk,
        school_access(user, school).name,
        # Every field of the scope, a new one included.
        *(tuple(sorted(getattr(scope, part.name))) for part in dataclasses.fields(scope)),
    )


def _locality_ids_open_to(user: AnyUser) -> frozenset[int] | None:
    """The one rule of which localities a user may open, by id; None: every locality."""
    scope = scope_of(user)
    return None if scope.sees_public_data else frozenset(scope.agency_locality_ids)


def localities_visible_to(user: AnyUser) -> QuerySet[Locality]:
    ids = _locality_ids_open_to(user)
    if ids is None:
        return Locality.objects.all()
    return Locality.objects.filter(pk__in=ids) if ids else Locality.objects.none()


def localities_visible_among(user: AnyUser, locality_ids: Iterable[int]) -> set[int]:
    """Those of ``locality_ids`` the user may open (the same rule, with no query: for the
    localities of a school page read already, instead of every locality's id)."""
    ids = _locality_ids_open_to(user)
    return set(locality_ids) if ids is None else set(locality_ids) & ids


def own_locality_of(user: AnyUser) -> Locality | None:
    """The reader's own locality, where pages about a place open by default (the outcomes
    dashboard, who is strong at what): the locality they lead; else the locality of a school
    they lead, work at or govern; else the one a partner agency works with; else the locality
    holding most schools of the partnerships they lead. None for a system lead (or anyone)
    with no such tie: their pages open on every school they see. A school is in one locality
    at a time, so the first by name decides only between several schools' localities."""
    scope = scope_of(user)
    if scope.led_locality_ids:
        return Locality.objects.filter(pk__in=scope.led_locality_ids).first()
    own_schools = scope.school_ids | scope.staff_school_ids | scope.governed_school_ids
    if own_schools:
        own = Locality.objects.filter(schools__in=own_schools).first()
        if own is not None:
            return own
    if scope.agency_locality_ids:
        return Locality.objects.filter(pk__in=scope.agency_locality_ids).first()
    if scope.partnership_school_ids:
        return (
            Locality.objects.filter(schools__in=scope.partnership_school_ids)
            .annotate(members=Count("schools"))
            .order_by("-members", "name")
            .first()
        )
    return None


def partnerships_visible_to(user: AnyUser) -> QuerySet[Partnership]:
    scope = scope_of(user)
    if scope.sees_public_data:
        return Partnership.objects.all()
    return Partnership.objects.none()


def can_draw_localities(user: AnyUser) -> bool:
    """System leads and locality leads draw agreed localities on the web."""
    scope = scope_of(user)
    return scope.is_system_lead or bool(scope.led_locality_ids)


def can_edit_locality(user: AnyUser, locality: Locality) -> bool:
    """An agreed locality: a system lead edits any, a locality lead those they lead. A register
    district follows the register (draw an agreed locality from it instead)."""
    if locality.source != Locality.Source.AGREED:
        return False
    scope = scope_of(user)
    return scope.is_system_lead or locality.pk in scope.led_locality_ids


def schools_placeable_by(user: AnyUser) -> QuerySet[School]:
    """The open schools a user may put in an agreed locality: any, for a system lead; for a
    locality lead, the schools of the localities they lead (never another lead's)."""
    scope = scope_of(user)
    open_schools = School.objects.exclude(status=School.Status.CLOSED)
    if scope.is_system_lead:
        return open_schools
    return open_schools.filter(pk__in=scope.locality_school_ids)


def sees_any_school(user: AnyUser) -> bool:
    """Whether the user may open the schools directory (and search it): any school visible."""
    return schools_visible_to(user).exists()


def sees_any_locality(user: AnyUser) -> bool:
    return localities_visible_to(user).exists()


def sees_any_partnership(user: AnyUser) -> bool:
    return partnerships_visible_to(user).exists()


def school_with_access(user: AnyUser, **lookup: Any) -> tuple[School, SchoolAccess]:
    """The school found by ``pk=`` or ``urn=``, with how much of it the user may see: not found
    when there is none, forbidden when the user may not open it. Every page and API endpoint
    about one school starts here (or at ``visible_school``)."""
    school = get_object_or_404(School, **lookup)
    access = school_access(user, school)
    if access == SchoolAccess.NONE:
        raise PermissionDenied("Your account does not give you access to this school.")
    return school, access


def visible_school(request: HttpRequest, pk: int) -> School:
    """The school by id, for a page about it: see ``school_with_access``."""
    return school_with_access(request.user, pk=pk)[0]
