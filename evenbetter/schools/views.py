"""Pages of the register. Thin: authorize, call one selector, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from evenbetter.accounts.exports import table_response
from evenbetter.accounts.models import AuditEvent
from evenbetter.accounts.selectors import scope_of
from evenbetter.accounts.services import audit_record
from evenbetter.benchmarks.selectors import (
    can_manage_comparator_sets,
    comparator_sets_visible_to,
    family_of_school,
    group_outcomes,
    school_benchmarks,
    school_strengths,
)
from evenbetter.benchmarks.views import comparator_from_request
from evenbetter.earlywarning.selectors import can_see_risk_of
from evenbetter.indicators.models import Dispute, Indicator
from evenbetter.indicators.selectors import (
    IndicatorSeries,
    disputes_visible_to,
    inspections_of_school_visible_to,
    school_indicator_series,
)
from evenbetter.partnerships.selectors import (
    can_record_for_school,
    can_record_meeting,
    can_see_network_of_locality,
    can_see_network_of_partnership,
    network_picture,
    partnership_actions,
    partnership_health,
    partnership_meetings,
    school_contact_summary,
    school_contacts,
    shared_actions_of_school,
    team_around_school,
)
from evenbetter.practice.selectors import published_items
from evenbetter.schools.access import (
    SchoolAccess,
    localities_visible_to,
    partnerships_visible_to,
    school_access,
    schools_visible_to,
    visible_school,
)
from evenbetter.schools.exports import DirectoryTable
from evenbetter.schools.forms import DirectoryFilterForm
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.schools.profile import Profile, profile_of
from evenbetter.schools.profile_pdf import render_profile_pdf
from evenbetter.schools.selectors import (
    localities_with_counts,
    locality_schools,
    partnership_memberships,
    partnerships_with_counts,
    school_directory,
    school_partnership_memberships,
)

PAGE_SIZE = 50


def _forbid_if_nothing_visible(request: HttpRequest) -> None:
    if not schools_visible_to(request.user).exists():
        raise PermissionDenied("Your account does not give you access to the schools directory.")


@login_required
def school_directory_view(request: HttpRequest) -> HttpResponse:
    _forbid_if_nothing_visible(request)
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()
    schools = school_directory(user=request.user, filters=form.filters())
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(request, DirectoryTable(), schools)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/directory.html",
        {"form": form, "page": page, "total": page.paginator.count, "query_string": query.urlencode()},
    )


@login_required
def school_detail_view(request: HttpRequest, urn: int) -> HttpResponse:
    return _school_page(request, get_object_or_404(School, urn=urn))


@login_required
def school_detail_by_id_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Schools outside England have no URN: their page is found by id."""
    return _school_page(request, get_object_or_404(School, pk=pk))


def _school_page(request: HttpRequest, school: School) -> HttpResponse:
    access = school_access(request.user, school)
    if access == SchoolAccess.NONE:
        raise PermissionDenied("Your account does not give you access to this school.")
    visible_localities = localities_visible_to(request.user)
    comparator = comparator_from_request(request, school)
    benchmarks = school_benchmarks(user=request.user, school=school, comparator=comparator)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "access": access,
            "access_name": access.name.lower(),
            "localities": school.localities.all(),
            "visible_locality_ids": set(visible_localities.values_list("pk", flat=True)),
            "memberships": school_partnership_memberships(user=request.user, school=school),
            "indicator_domains": _by_domain(school_indicator_series(user=request.user, school=school)),
            "inspections": inspections_of_school_visible_to(request.user, school),
            "can_flag": school.pk in scope_of(request.user).school_ids,
            "disputed_ids": set(
                disputes_visible_to(request.user)
                .filter(observation__school=school, status=Dispute.Status.OPEN)
                .values_list("observation_id", flat=True)
            ),
            "benchmark_charts": [
                (entry, f"bench-{entry.indicator.code}", entry.chart_data(school.name))
                for entry in benchmarks
                if entry.indicator.headline
            ],
            "benchmark_others": [entry for entry in benchmarks if not entry.indicator.headline],
            "comparator": comparator,
            "comparator_sets": comparator_sets_visible_to(request.user, school),
            "can_manage_comparators": can_manage_comparator_sets(request.user, school),
            "strengths": school_strengths(user=request.user, school=school),
            "family": family_of_school(user=request.user, school=school, limit=8),
            "contact_summary": school_contact_summary(user=request.user, school=school),
            "contacts": school_contacts(user=request.user, school=school, limit=8),
            "can_record_for_school": can_record_for_school(request.user, school),
            "team_around": team_around_school(user=request.user, school=school),
            "shared_actions": shared_actions_of_school(user=request.user, school=school),
            "can_see_risk": can_see_risk_of(request.user, school),
            "today": timezone.localdate(),
            "practice_shared": published_items(request.user).filter(schools=school).prefetch_related("areas")[:10],
        },
    )


def _profile(request: HttpRequest, pk: int) -> Profile:
    """The profile as the reader may see it; showing its risk section is audited, as the risk page is."""
    school = visible_school(request, pk)
    profile = profile_of(request.user, school)
    if profile.risk is not None:
        audit_record(
            request=request,
            action=AuditEvent.Action.RISK_VIEW,
            school=school,
            detail={"score": profile.risk.score_id, "risk": profile.risk.risk, "via": "profile"},
        )
    return profile


@login_required
def school_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk)
    return render(request, "schools/profile.html", {"profile": profile, "school": profile.school})


@login_required
def school_profile_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk)
    school = profile.school
    name = "-".join(part for part in (slugify(school.name), str(school.urn or school.pk), "profile") if part)
    filename = f"{name}-{profile.generated_on.isoformat()}.pdf"
    return HttpResponse(
        render_profile_pdf(profile),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@dataclass(frozen=True)
class DomainPanel:
    name: str
    headline: list[IndicatorSeries]
    others: list[IndicatorSeries]


def _by_domain(series: list[IndicatorSeries]) -> list[DomainPanel]:
    """Indicators by domain: the headline ones charted, the rest listed beneath."""
    labels = dict(Indicator.Domain.choices)
    grouped: dict[str, list[IndicatorSeries]] = {}
    for entry in series:
        grouped.setdefault(entry.indicator.domain, []).append(entry)
    order = list(labels)
    return [
        DomainPanel(
            labels[domain],
            [s for s in grouped[domain] if s.indicator.headline],
            [s for s in grouped[domain] if not s.indicator.headline],
        )
        for domain in sorted(grouped, key=order.index)
    ]


@login_required
def locality_list_view(request: HttpRequest) -> HttpResponse:
    localities = localities_with_counts(user=request.user)
    if not localities.exists():
        raise PermissionDenied("Your account does not give you access to any locality.")
    return render(request, "schools/locality_list.html", {"localities": localities})


@login_required
def locality_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    if not localities_visible_to(request.user).filter(pk=locality.pk).exists():
        raise PermissionDenied("Your account does not give you access to this locality.")
    return render(
        request,
        "schools/locality_detail.html",
        {
            "locality": locality,
            "schools": locality_schools(user=request.user, locality=locality),
            "can_see_network": can_see_network_of_locality(request.user, locality),
        },
    )


@login_required
def partnership_list_view(request: HttpRequest) -> HttpResponse:
    if not partnerships_visible_to(request.user).exists():
        raise PermissionDenied("Your account does not give you access to partnerships.")
    partnerships = partnerships_with_counts(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Partnership.Kind.values:
        partnerships = partnerships.filter(kind=kind)
    return render(
        request,
        "schools/partnership_list.html",
        {"partnerships": partnerships, "kinds": Partnership.Kind.choices, "kind": kind},
    )


@login_required
def partnership_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    if not partnerships_visible_to(request.user).filter(pk=partnership.pk).exists():
        raise PermissionDenied("Your account does not give you access to this partnership.")
    memberships = partnership_memberships(user=request.user, partnership=partnership)
    current = [m for m in memberships if m.left_on is None]
    today = timezone.localdate()
    actions = list(
        partnership_actions(user=request.user, partnership=partnership, since=today - dt.timedelta(days=365))
    )
    member_schools = School.objects.filter(pk__in=[m.school_id for m in current])
    return render(
        request,
        "schools/partnership_detail.html",
        {
            "partnership": partnership,
            "current": current,
            "past": [m for m in memberships if m.left_on is not None],
            "outcomes": group_outcomes(user=request.user, schools=member_schools),
            "health": partnership_health(user=request.user, partnership=partnership),
            "meetings": partnership_meetings(user=request.user, partnership=partnership)[:12],
            "actions": actions,
            "overdue_actions": [a for a in actions if a.is_overdue(today)],
            "can_record_meeting": can_record_meeting(request.user, partnership),
            "network": network_picture(member_schools)
            if can_see_network_of_partnership(request.user, partnership)
            else None,
        },
    )
