"""The home page is made of panels (``evenbetter.pages``, page "home"): first what needs the
reader today, each from the app that knows it (help waiting, support 10; actions due,
partnerships 20; early warning and answers, earlywarning 30; newly on the watch list,
earlywarning 40; imports and jobs, jobs 50), then one panel per role here (100–500: system lead, locality lead 150, partnership lead,
school leader, staff member 350, governor, partner agency), then
the practice library (practice 900). A new role's view is a new class; each is shown to
those who hold its role."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from evenbetter.accounts.models import Role
from evenbetter.accounts.selectors import AnyUser, UserScope, scope_of
from evenbetter.indicators.figures_cache import figures_cached, rows_sql
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.access import (
    localities_visible_to,
    partnerships_visible_to,
    schools_in_full_view_of,
    schools_visible_to,
)
from evenbetter.schools.models import Partnership, School
from evenbetter.schools.selectors import register_stamp


class HomePanel(Panel):
    """A role's part of the home page; its template reads its figures as ``panel``."""

    page = "home"
    role: ClassVar[str]

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return self.role in scope_of(request.user).roles

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"panel": self.figures(request.user, scope_of(request.user))}

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        return {}


def _open(schools: Any) -> Any:
    return schools.exclude(status=School.Status.CLOSED)


def _most_first(counted: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def _register_counts(visible: QuerySet[School]) -> dict[str, Any]:
    """The open schools by local authority, phase and latest Ofsted rating, and the closed ones."""
    # One pass over the register (all England: 24,000 rows) counts every way the panel shows.
    by_authority: Counter[str] = Counter()
    by_phase: Counter[str] = Counter()
    by_ofsted: Counter[str] = Counter()
    for la_name, phase, rating, n in (
        _open(visible).order_by().values_list("la_name", "phase", "ofsted_rating").annotate(n=Count("pk"))
    ):
        by_authority[la_name] += n
        by_phase[phase] += n
        by_ofsted[rating] += n
    return {
        "open_schools": by_authority.total(),
        "closed_schools": visible.filter(status=School.Status.CLOSED).count(),
        "by_authority": [{"la_name": name, "n": n} for name, n in sorted(by_authority.items())],
        "by_phase": [{"phase": phase, "n": n} for phase, n in _most_first(by_phase)],
        "by_ofsted": [{"ofsted_rating": rating, "n": n} for rating, n in _most_first(by_ofsted)],
    }


@register
class SystemLeadPanel(HomePanel):
    role = Role.SYSTEM_LEAD
    order = 100
    template = "web/home/system_lead.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        visible = schools_visible_to(user)
        # The register's counts change only with the register: kept under its stamp and the
        # schools the reader sees (their query), so a system lead's home does not count all
        # England's schools again on every visit.
        counts = figures_cached(
            "home-register-counts", lambda: _register_counts(visible), scope=(rows_sql(visible), register_stamp())
        )
        return {
            **counts,
            "locality_count": localities_visible_to(user).count(),
            "partnership_count": partnerships_visible_to(user).count(),
            "partnerships_by_kind": partnerships_visible_to(user)
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by("kind"),
            "kind_names": dict(Partnership.Kind.choices),
        }


@register
class LocalityLeadPanel(HomePanel):
    role = Role.LOCALITY_LEAD
    order = 150
    template = "web/home/locality_lead.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        localities = localities_visible_to(user).filter(pk__in=scope.led_locality_ids)
        return {
            "led_localities": localities.annotate(
                open_schools=Count("schools", filter=~Q(schools__status=School.Status.CLOSED))
            )
        }


@register
class PartnershipLeadPanel(HomePanel):
    role = Role.PARTNERSHIP_LEAD
    order = 200
    template = "web/home/partnership_lead.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        partnerships = partnerships_visible_to(user).filter(pk__in=scope.led_partnership_ids)
        members = _open(schools_in_full_view_of(user)).filter(
            partnership_memberships__partnership__in=partnerships, partnership_memberships__left_on__isnull=True
        )
        return {
            "led_partnerships": [
                {
                    "partnership": partnership,
                    "schools": members.filter(partnership_memberships__partnership=partnership).order_by("name"),
                }
                for partnership in partnerships
            ]
        }


@register
class SchoolLeaderPanel(HomePanel):
    role = Role.SCHOOL_LEADER
    order = 300
    template = "web/home/school_leader.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        own = schools_visible_to(user).filter(pk__in=scope.school_ids).prefetch_related("localities")
        return {"own_schools": own}


@register
class StaffMemberPanel(HomePanel):
    role = Role.STAFF_MEMBER
    order = 350
    template = "web/home/staff_member.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        own = schools_visible_to(user).filter(pk__in=scope.staff_school_ids).prefetch_related("localities")
        return {"staff_schools": own}


@register
class GovernorPanel(HomePanel):
    role = Role.GOVERNOR
    order = 400
    template = "web/home/governor.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        return {"governed_schools": schools_visible_to(user).filter(pk__in=scope.governed_school_ids)}


@register
class PartnerAgencyPanel(HomePanel):
    role = Role.PARTNER_AGENCY
    order = 500
    template = "web/home/partner_agency.html"

    def figures(self, user: AnyUser, scope: UserScope) -> dict[str, Any]:
        localities = localities_visible_to(user).filter(pk__in=scope.agency_locality_ids)
        return {
            "agency_localities": localities.annotate(
                open_schools=Count("schools", filter=~Q(schools__status=School.Status.CLOSED))
            ),
            "agency_schools": _open(schools_visible_to(user)).filter(pk__in=scope.agency_school_ids),
        }
