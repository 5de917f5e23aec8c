"""System and locality dashboards, and the map. Thin: authorize, select, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from evenbetter.accounts.exports import table_response
from evenbetter.dashboards.exports import OutcomesTable
from evenbetter.dashboards.forms import DashboardFilter, MapForm, with_own_locality
from evenbetter.dashboards.map import draw
from evenbetter.dashboards.selectors import (
    can_see_dashboards,
    dashboard_for,
    dashboard_schools,
    latest_values,
    map_indicators,
)
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.indicators.models import Indicator
from evenbetter.pages.htmx import render_page_or_part
from evenbetter.schools.access import schools_visible_to, sees_every_school


def _filters(form: DashboardFilter) -> dict[str, str]:
    if not form.is_valid():
        return {"locality": "", "partnership": "", "phase": ""}
    return {key: form.cleaned_data.get(key) or "" for key in ("locality", "partnership", "phase")}


def _filter_words(form: DashboardFilter, filters: dict[str, str]) -> str:
    """The filters chosen, by name ("Basingstoke and Deane, Primary"), or nothing."""
    words = []
    for key in ("locality", "partnership", "phase"):
        if filters[key]:
            words.append(dict(form.fields[key].choices).get(filters[key], filters[key]))  # type: ignore[attr-defined]
    return ", ".join(str(w) for w in words)


def _scope_words(form: DashboardFilter, filters: dict[str, str]) -> str:
    return _filter_words(form, filters) or "every school you see"


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboards(request.user):
        raise PermissionDenied(
            "The dashboards are for the system's leads, school leaders, staff, governors and partner agencies."
        )
    query = with_own_locality(request.GET, request.user)
    form = DashboardFilter(query or None, user=request.user)
    filters = _filters(form)
    board = dashboard_for(request.user, dashboard_schools(request.user, **filters))
    scope = _scope_words(form, filters)
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(request, OutcomesTable(scope), board.outcomes)
    charts: list[tuple[Any, str, dict[str, Any]]] = [
        (series, f"outcome-{series.indicator.code}", series.chart_data(f"All pupils ({scope})"))
        for series in board.outcomes
    ]
    return render_page_or_part(
        request,
        page="dashboards/dashboard.html",
        part="dashboards/_dashboard_results.html",
        context={
            "form": form,
            "board": board,
            "charts": charts,
            "scope": scope,
            "query": query.urlencode(),
            "address": "" if query is request.GET else f"?{query.urlencode()}",
            "filters": filters,
        },
    )


_ANY_PK = 987654321  # a number no other part of the link holds
MAP_DEFAULT = "ks2_ptrwm_exp"  # the map's colour before a reader chooses: reading, writing and maths


@login_required
def map_view(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboards(request.user):
        raise PermissionDenied(
            "The map is for the system's leads, school leaders, staff, governors and partner agencies."
        )
    indicators = {i.code: i for i in map_indicators().order_by("name")}
    choices = [(code, i.name) for code, i in indicators.items()]
    default = MAP_DEFAULT if MAP_DEFAULT in indicators else next(iter(indicators), "")
    # Unfiltered, the select names what the map is coloured by (not the list's first).
    form = MapForm(request.GET or None, user=request.user, indicators=choices, initial={"indicator": default})
    filters = _filters(form)
    code = (form.cleaned_data.get("indicator") if form.is_valid() else "") or default
    indicator: Indicator | None = indicators.get(code)
    shown = dashboard_schools(request.user, **filters)
    # The ids alone count the schools and key the values (all England: 24,000 numbers, no
    # names, no sort); only the schools with a place are read whole, to be drawn (the register
    # gives most of England none here).
    ids = sorted(shown.order_by().values_list("pk", flat=True))
    placed = shown.filter(latitude__isnull=False, longitude__isnull=False)
    schools = list(placed.values_list("pk", "name", "latitude", "longitude"))
    # The values depend only on the indicator and the schools: kept in the figures cache under
    # both (the schools by their ids), renewed with every write of values.
    period, values = (
        figures_cached("map-values", lambda: latest_values(indicator, shown), scope=(indicator.pk, ids))
        if indicator
        else ("", {})
    )
    # Each school's link from one reverse() (all England is 24,000 points; a reverse() each was
    # a third of the page's time). A governor sees their locality's outcomes, not the other
    # schools' pages: no link to those.
    link = reverse("school_detail_by_id", args=[_ANY_PK]).replace(str(_ANY_PK), "{}")
    # Every school for most readers (``sees_every_school``): then no query of all England's ids.
    openable = (
        {pk for pk, *_ in schools}
        if sees_every_school(request.user)
        else set(
            schools_visible_to(request.user).filter(pk__in=placed.values("pk")).order_by().values_list("pk", flat=True)
        )
    )
    rows = [
        (pk, name, lat, lon, values.get(pk),
         f"{name}: {indicator.label_for(values[pk]) if indicator and pk in values else 'no value'}",
         link.format(pk) if pk in openable else "")
        for pk, name, lat, lon in schools
    ]  # fmt: skip
    higher = None
    if indicator is not None and indicator.direction != Indicator.Direction.NEITHER:
        higher = indicator.direction == Indicator.Direction.HIGHER_IS_BETTER
    decimals = indicator.decimal_places if indicator else 1
    school_map = draw(
        rows, higher_is_better=higher, fmt="{:.%df}".replace("%d", str(decimals)), tiles=settings.EVENBETTER_MAP_TILES
    )
    return render_page_or_part(
        request,
        page="dashboards/map.html",
        part="dashboards/_map_results.html",
        context={
            "form": form, "map": school_map, "indicator": indicator, "period": period,
            "filtered_by": _filter_words(form, filters), "schools": len(ids), "with_value": len(values),
            "shown": len(school_map.points), "without_place": len(ids) - len(school_map.points),
        },
    )  # fmt: skip
