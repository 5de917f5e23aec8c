"""Who a user is in the system: their roles and what their memberships add up to (``scope_of``),
and who may read the audit log. Which schools, localities and partnerships a user may see is
decided from this scope in one place, ``evenbetter/schools/access.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from evenbetter.accounts.models import AuditEvent, Membership, Role, User

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class UserScope:
    """What a user's memberships add up to, worked out once per request."""

    roles: frozenset[str] = frozenset()
    school_ids: frozenset[int] = frozenset()  # school leader of
    staff_school_ids: frozenset[int] = frozenset()  # staff member of
    governed_school_ids: frozenset[int] = frozenset()
    led_partnership_ids: frozenset[int] = frozenset()
    led_locality_ids: frozenset[int] = frozenset()
    agency_locality_ids: frozenset[int] = frozenset()
    agency_school_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()  # the agencies a partner-agency user works for
    partnership_school_ids: frozenset[int] = field(default_factory=frozenset)
    locality_school_ids: frozenset[int] = field(default_factory=frozenset)  # in the localities led

    @property
    def is_system_lead(self) -> bool:
        return Role.SYSTEM_LEAD in self.roles

    @property
    def sees_public_data(self) -> bool:
        """System, locality and partnership leads, school leaders and staff members see every
        school's public data."""
        return bool(self.roles & _PUBLIC_DATA_ROLES)

    @property
    def leads_a_group(self) -> bool:
        """Leads a partnership or a locality: brokers its schools' help and holds their watch list."""
        return bool(self.led_partnership_ids or self.led_locality_ids)

    @property
    def led_group_school_ids(self) -> frozenset[int]:
        """The schools of the partnerships and localities the user leads."""
        return self.partnership_school_ids | self.locality_school_ids

    @property
    def full_school_ids(self) -> frozenset[int]:
        """The schools seen in full, their risk included: led, in a partnership or a locality led."""
        return self.school_ids | self.led_group_school_ids


_PUBLIC_DATA_ROLES = frozenset(
    {Role.SYSTEM_LEAD, Role.LOCALITY_LEAD, Role.PARTNERSHIP_LEAD, Role.SCHOOL_LEADER, Role.STAFF_MEMBER}
)


_EMPTY_SCOPE = UserScope()


def scope_of(user: AnyUser) -> UserScope:
    if not user.is_authenticated or not user.is_active:
        return _EMPTY_SCOPE
    cached = getattr(user, "_evenbetter_scope", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).only("role", "school_id", "partnership_id", "locality_id"))

    def ids(role: str, attribute: str) -> frozenset[int]:
        return frozenset(
            getattr(m, attribute) for m in memberships if m.role == role and getattr(m, attribute) is not None
        )

    led_partnerships = ids(Role.PARTNERSHIP_LEAD, "partnership_id")
    # The current member schools of the partnerships the user leads, through the relation
    # (the register's models are not imported here: accounts stands below the register).
    # Asked only of a partnership lead (as the localities' schools below only of a locality lead):
    # every other reader's every page paid a query that found nothing.
    partnership_schools = (
        frozenset(
            Membership.objects.filter(
                user=user,
                role=Role.PARTNERSHIP_LEAD,
                partnership__memberships__left_on__isnull=True,
                partnership__memberships__school__isnull=False,
            ).values_list("partnership__memberships__school_id", flat=True)
        )
        if led_partnerships
        else frozenset()
    )
    led_localities = ids(Role.LOCALITY_LEAD, "locality_id")
    locality_schools = (
        frozenset(
            Membership.objects.filter(user=user, role=Role.LOCALITY_LEAD, locality__schools__isnull=False).values_list(
                "locality__schools__id", flat=True
            )
        )
        if led_localities
        else frozenset()
    )
    roles = frozenset(m.role for m in memberships)
    # The agencies the user works for (partnerships.AgencyMember, read through the relation:
    # accounts stands below partnerships). They count only with a partner-agency role.
    agencies = (
        frozenset(
            User.objects.filter(pk=user.pk, agency_memberships__isnull=False).values_list(
                "agency_memberships__agency_id", flat=True
            )
        )
        if Role.PARTNER_AGENCY in roles
        else frozenset()
    )
    scope = UserScope(
        roles=roles,
        school_ids=ids(Role.SCHOOL_LEADER, "school_id"),
        staff_school_ids=ids(Role.STAFF_MEMBER, "school_id"),
        governed_school_ids=ids(Role.GOVERNOR, "school_id"),
        led_partnership_ids=led_partnerships,
        led_locality_ids=led_localities,
        agency_locality_ids=ids(Role.PARTNER_AGENCY, "locality_id"),
        agency_school_ids=ids(Role.PARTNER_AGENCY, "school_id"),
        agency_ids=agencies,
        partnership_school_ids=partnership_schools,
        locality_school_ids=locality_schools,
    )
    # Kept on the user object, which lives as long as the request.
    setattr(user, "_evenbetter_scope", scope)  # noqa: B010
    return scope


def memberships_of(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("school", "partnership", "locality")


def can_see_audit_log(user: AnyUser) -> bool:
    """The audit log (sign-ins, role changes, views of risk) is for system leads only."""
    return scope_of(user).is_system_lead


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    username: str = ""  # who acted, or whose account or membership it was
    school: str = ""  # a URN, or part of a school's name
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_events_visible_to(user: AnyUser, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by the filters; none for anyone but a system lead."""
    if not can_see_audit_log(user):
        return AuditEvent.objects.none()
    filters = filters or AuditFilters()
    events = AuditEvent.objects.select_related("user", "school")
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.username:
        events = events.filter(
            Q(user__username__iexact=filters.username)
            | Q(detail__member__iexact=filters.username)
            | Q(detail__username__iexact=filters.username)
        )
    if filters.school:
        school = filters.school.strip()
        events = (
            events.filter(school__urn=int(school))
            if school.isdigit()
            else events.filter(school__name__icontains=school)
        )
    if filters.date_from:
        events = events.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(at__date__lte=filters.date_to)
    return events.order_by("-at", "-pk")
