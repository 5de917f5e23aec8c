"""Families, benchmarks, comparator sets and the explorer. Thin: authorize, select, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.exports import table_response
from evenbetter.accounts.selectors import scope_of
from evenbetter.analytics.families import nearby_like_us
from evenbetter.benchmarks.exports import BenchmarksTable, ExplorerTable, FamilyTable
from evenbetter.benchmarks.forms import ComparatorSetForm, ExplorerForm, StrengthsForm
from evenbetter.benchmarks.frames import context_frame
from evenbetter.benchmarks.models import ComparatorSet
from evenbetter.benchmarks.panels import comparator_from_request
from evenbetter.benchmarks.selectors import (
    EXPLORER_LISTED,
    Distribution,
    can_manage_comparator_sets,
    can_see_who_is_strong,
    explorable_indicator_choices,
    explorer_distribution,
    family_of_school,
    indicator_periods,
    school_benchmarks,
    strong_schools_in,
)
from evenbetter.benchmarks.services import (
    ComparatorSetError,
    comparator_set_create,
    comparator_set_delete,
)
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.indicators.models import Indicator
from evenbetter.pages.htmx import render_page_or_part
from evenbetter.pages.paging import page_number_shown
from evenbetter.schools.access import (
    localities_visible_to,
    own_locality_of,
    partnerships_visible_to,
    schools_visible_to,
    sees_any_school,
    visible_school,
)
from evenbetter.schools.models import School
from evenbetter.schools.selectors import phases_visible_to
from evenbetter.vocabulary.areas import AREA_INDICATORS, AREA_NAMES


@login_required
def school_family_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if request.GET.get("format") in ("csv", "xlsx"):
        family = family_of_school(user=request.user, school=school)
        if family is None:
            raise PermissionDenied("Your account does not give you access to this school.")
        return table_response(request, FamilyTable(school), family)

    def drawn() -> str:
        family = family_of_school(user=request.user, school=school)
        return render_to_string("benchmarks/_family_table.html", {"school": school, "family": family})

    # The family's table is the same for everyone who may open the school (``visible_school`` has
    # asked): kept per school until families or benchmarks are worked out again, or the register
    # changes a member's name (the figures' generation).
    table = figures_cached("family-table", drawn, scope=("school", school.pk))
    return render(request, "benchmarks/family.html", {"school": school, "family_table": mark_safe(table)})  # noqa: S308 - our template's own output


@login_required
def school_benchmarks_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    comparator = comparator_from_request(request, school)
    benchmarks = school_benchmarks(user=request.user, school=school, comparator=comparator)
    return table_response(request, BenchmarksTable(school), benchmarks)


@login_required
def comparator_set_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_manage_comparator_sets(request.user, school):
        raise PermissionDenied(
            "Only the school's own leaders, and the leads who see it in full, make its comparator sets."
        )
    form = ComparatorSetForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        members = form.members
        within = form.cleaned_data.get("within_km")
        kind = form.cleaned_data["kind"]
        if kind == ComparatorSet.Kind.NEARBY:
            members = _nearby(request, school, float(within or 0), int(form.cleaned_data.get("size") or 15))
        try:
            comparator = comparator_set_create(
                school=school,
                name=form.cleaned_data["name"],
                kind=kind,
                members=members,
                created_by=signed_in_user(request),
                within_km=within if kind == ComparatorSet.Kind.NEARBY else None,
            )
        except ComparatorSetError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f'Comparator set "{comparator.name}" made with {comparator.members.count()} schools.'
            )
            return redirect(f"{school.get_absolute_url()}?compare={comparator.pk}#benchmarks-heading")
    return render(request, "benchmarks/comparator_form.html", {"school": school, "form": form})


def _nearby(request: HttpRequest, school: School, within_km: float, size: int) -> list[School]:
    context = context_frame()
    if school.pk not in set(context["school_id"]) or school.latitude is None:
        return []
    context = context[context["latitude"].notna()]
    near = nearby_like_us(context, school.pk, within_km=within_km).head(size)
    visible = schools_visible_to(request.user).filter(pk__in=[int(i) for i in near["member_id"]])
    by_id = {s.pk: s for s in visible}
    return [by_id[int(i)] for i in near["member_id"] if int(i) in by_id]


@login_required
@require_POST
def comparator_set_delete_view(request: HttpRequest, pk: int, set_id: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_manage_comparator_sets(request.user, school):
        raise PermissionDenied(
            "Only the school's own leaders, and the leads who see it in full, remove its comparator sets."
        )
    comparator = get_object_or_404(ComparatorSet, pk=set_id, school=school)
    name = comparator.name
    comparator_set_delete(comparator=comparator)
    messages.success(request, f'Comparator set "{name}" removed.')
    return redirect(school.get_absolute_url())


@login_required
def explorer_view(request: HttpRequest) -> HttpResponse:
    if not sees_any_school(request.user):
        raise PermissionDenied("Your account does not give you access to any school's data.")
    form = ExplorerForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    problems: list[str] = []
    explorable = explorable_indicator_choices()
    indicator = None
    if data.get("indicator"):
        indicator = Indicator.objects.filter(code=data["indicator"]).first()
        if indicator is None:
            problems.append(f'There is no indicator "{data["indicator"]}"; pick one from the list.')
    if indicator is None and explorable.default:
        indicator = Indicator.objects.filter(code=explorable.default).first()
    periods = indicator_periods(indicator) if indicator else []
    period = data.get("period") or (periods[0] if periods else "")
    if indicator and period and period not in periods:
        # Only a period that holds values is shown (or kept: any other would be a key of its own).
        problems.append(f"{indicator.name} has no values for {period}.")
        period = periods[0] if periods else ""
    highlight = None
    if data.get("school"):
        highlight = schools_visible_to(request.user).filter(pk=data["school"]).first()
    scope = data.get("scope") or "all"
    scope_args, scope_problem = _scope(request, scope)
    if scope_problem:
        problems.append(scope_problem)
        scope_args = {}
    scope = _scope_named(scope_args)
    phase = data.get("phase") or ""
    phases = phases_visible_to(request.user)
    if phase and phase not in phases:
        problems.append(f'"{phase}" is not a phase; all phases are shown.')
        phase = ""
    distribution = None
    if indicator and period:
        distribution = explorer_distribution(
            user=request.user, indicator=indicator, period=period, phase=phase, highlight=highlight, **scope_args
        )
    if distribution and request.GET.get("format") in ("csv", "xlsx"):
        return table_response(request, ExplorerTable(indicator, period), distribution)
    return render_page_or_part(
        request,
        page="benchmarks/explorer.html",
        part="benchmarks/_explorer_results.html",
        context={
            "form": form,
            "indicator_choices": explorable.choices,
            "indicator": indicator,
            "periods": [(p, p) for p in periods],
            "period": period,
            "scope": scope,
            "phase": phase,
            "phases": [("", "Any phase"), *((p, p) for p in phases)],
            "group_choices": _group_choices(request),
            "highlight": highlight,
            "distribution": distribution,
            "distribution_section": (
                _distribution_section(request, distribution, _shown_filters(distribution, scope, phase))
                if distribution
                else ""
            ),
            "problems": problems,
        },
    )


def _shown_filters(distribution: Distribution, scope: str, phase: str) -> list[tuple[str, str]]:
    """The filters the explorer shows, as checked (an unknown or forbidden value replaced by what
    is shown instead), in one order: the query of the section's links, and part of its key."""
    highlight = distribution.highlight
    shown = [
        ("indicator", distribution.indicator.code),
        ("period", distribution.period),
        ("scope", scope),
        ("phase", phase),
        ("school", str(highlight.pk) if highlight else ""),
    ]
    return [(name, value) for name, value in shown if value and (name, value) != ("scope", "all")]


def _distribution_section(request: HttpRequest, distribution: Distribution, filters: list[tuple[str, str]]) -> str:
    """The spread and its table's page, drawn once for everyone who asks for the same group of
    schools, page and filters, and kept until the figures change (drawing 20,000 values and a
    hundred rows was most of the page; it names nobody, and its key names the schools). Keyed by
    the filters as checked and the page shown, never by the address as typed: other parameters,
    their order or a page past the end make no new entry to push others out of the cache."""
    number = page_number_shown(
        request.GET.get("page"),
        EXPLORER_LISTED,
        # The number of rows kept apart, so that only a page other than the first reads it.
        lambda: figures_cached("explorer-count", lambda: distribution.count, scope=distribution.group),
    )
    query = urlencode(filters)

    def drawn() -> str:
        # The table lists a hundred schools a page (all England is 20,000); the export has them all.
        page = Paginator(distribution.entries, EXPLORER_LISTED).get_page(number)
        return render_to_string(
            "benchmarks/_explorer_distribution.html",
            {
                "indicator": distribution.indicator,
                "period": distribution.period,
                "highlight": distribution.highlight,
                "distribution": distribution,
                "query": query,
                "page": page,
                "listed": distribution.rows_of(list(page.object_list)),
            },
        )

    highlight = distribution.highlight
    return mark_safe(  # noqa: S308  (drawn by the template, which escapes)
        figures_cached(
            "explorer-section",
            drawn,
            scope=(
                distribution.group,
                distribution.scope_label,
                distribution.indicator.name,
                (highlight.pk, highlight.name) if highlight else None,
                number,
                tuple(filters),
                EXPLORER_LISTED,
            ),
        )
    )


def _group_choices(request: HttpRequest) -> list[tuple[str, list[tuple[str, str]]]]:
    """The localities and partnerships the reader may see, as the explorer's select offers them."""
    return [
        (
            "Localities",
            [
                (f"locality:{slug}", name)
                for slug, name in localities_visible_to(request.user).values_list("slug", "name")
            ],
        ),
        (
            "Partnerships",
            [
                (f"partnership:{slug}", name)
                for slug, name in partnerships_visible_to(request.user).values_list("slug", "name")
            ],
        ),
    ]


def _scope_named(scope_args: dict[str, Any]) -> str:
    """The group of schools as the explorer's select names it, from what ``_scope`` found."""
    if "locality" in scope_args:
        return f"locality:{scope_args['locality'].slug}"
    if "partnership" in scope_args:
        return f"partnership:{scope_args['partnership'].slug}"
    if "family_of" in scope_args:
        return f"family:{scope_args['family_of'].pk}"
    return "all"


def _scope(request: HttpRequest, scope: str) -> tuple[dict[str, Any], str]:
    kind, _, key = scope.partition(":")
    if kind == "all":
        return {}, ""
    if kind == "locality":
        locality = localities_visible_to(request.user).filter(slug=key).first()
        return (
            ({"locality": locality}, "") if locality else ({}, "You cannot see that locality; all schools are shown.")
        )
    if kind == "partnership":
        partnership = partnerships_visible_to(request.user).filter(slug=key).first()
        if partnership:
            return {"partnership": partnership}, ""
        return {}, "You cannot see that partnership; all schools are shown."
    if kind == "family" and key.isdigit():
        school = schools_visible_to(request.user).filter(pk=int(key)).first()
        return ({"family_of": school}, "") if school else ({}, "You cannot see that school; all schools are shown.")
    return {}, f'"{scope}" is not a group of schools; all schools are shown.'


@login_required
def strengths_view(request: HttpRequest) -> HttpResponse:
    """Who is strong at what: the schools strong in an area, by the rule the school page uses,
    in the reader's locality by default, with the evidence and a way to ask for help."""
    if not can_see_who_is_strong(request.user):
        raise PermissionDenied("Who is strong at what is for those who see schools' published data.")
    localities = localities_visible_to(request.user).order_by("name")
    own = schools_visible_to(request.user).filter(pk__in=scope_of(request.user).school_ids)
    own_locality = own_locality_of(request.user)
    default_locality = own_locality if own_locality and localities.filter(pk=own_locality.pk).exists() else None
    form = StrengthsForm(request.GET or None, localities=localities)
    area, locality = "", default_locality
    if form.is_bound and form.is_valid():
        area = form.cleaned_data["area"]
        locality = form.cleaned_data["locality"] or None
    elif not form.is_bound:
        form = StrengthsForm(initial={"locality": default_locality}, localities=localities)
    # Not the reader's own schools: who could help them.
    schools = schools_visible_to(request.user).exclude(status=School.Status.CLOSED).exclude(pk__in=own.values("pk"))
    if locality is not None:
        schools = schools.filter(localities=locality)
    strong = strong_schools_in(area=area, schools=schools) if area else []
    return render(
        request,
        "benchmarks/strengths.html",
        {
            "form": form,
            "area": area,
            "area_name": AREA_NAMES.get(area, ""),
            "locality": locality,
            "strong": strong,
            "measured": bool(AREA_INDICATORS.get(area)),
            "may_ask_for": [s.pk for s in own],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
