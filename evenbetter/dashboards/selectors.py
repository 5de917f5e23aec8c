"""What the dashboards show, for whom.

Everyone who sees published data (system, locality and partnership leads, school leaders and
staff; partner agencies for their localities; governors for the localities of their school)
sees outcomes over time, their spread, the disadvantaged
gap, inspection grades and the map — all from published indicators of the schools they
may open. Risk bands are counted only over schools whose risk the reader may see on the
watch list (system leads; partnership leads for their partnerships); help asked and given
only for the requests they broker; partnerships' health (local records, not published)
only over schools they see in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.analytics.dashboard import count_by, gap_by_period, spread_by_period
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.earlywarning.selectors import (
    can_see_watch_list,
    current_run,
    risk_school_ids_visible_to,
    risk_visible_to,
)
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.access import (
    full_view_among,
    localities_visible_to,
    schools_visible_to,
)
from evenbetter.schools.models import Locality, School
from evenbetter.support.impact import system_view
from evenbetter.support.selectors import help_requests_brokered_by
from evenbetter.vocabulary.grades import GRADE_NAMES

# Outcomes by key stage, attendance last; only those with values are shown.
OUTCOMES = [
    "ks2_ptrwm_exp", "ks2_readprog", "ks2_writprog", "ks2_matprog",
    "ks4_attainment8", "ks4_progress8", "ks4_english_maths_4",
    "absence_overall", "absence_persistent",
]  # fmt: skip
# (disadvantaged rate, its pupils, other pupils' rate, their pupils, what it is)
GAPS = [
    ("ks2_ptrwm_exp_fsm6cla1a", "ks2_tfsm6cla1a", "ks2_ptrwm_exp_notfsm6cla1a", "ks2_tnotfsm6cla1a",
     "Key stage 2: reading, writing and maths at the expected standard"),
]  # fmt: skip
HEALTH = ["partnership_attendance", "actions_completion", "board_attendance", "governor_vacancy_rate"]
GRADES = list(GRADE_NAMES.values())


def can_see_dashboards(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.sees_public_data or bool(
        scope.agency_locality_ids or scope.agency_school_ids or scope.governed_school_ids
    )


def outcome_schools(user: AnyUser) -> QuerySet[School]:
    """The schools whose published outcomes the dashboards and the map show the user: those they
    may open, and for a governor also every school of the localities of the schools they govern
    (the system's outcomes around them; those schools' own pages stay closed to them)."""
    visible = schools_visible_to(user)
    scope = scope_of(user)
    if scope.sees_public_data or not scope.governed_school_ids:
        return visible
    around = School.objects.filter(localities__schools__in=scope.governed_school_ids).values("pk")
    return School.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=around))


def outcome_localities(user: AnyUser) -> QuerySet[Locality]:
    """The localities the dashboards' filter offers: those the user sees, and a governor's own."""
    visible = localities_visible_to(user)
    scope = scope_of(user)
    if scope.sees_public_data or not scope.governed_school_ids:
        return visible
    return Locality.objects.filter(Q(pk__in=visible.values("pk")) | Q(schools__in=scope.governed_school_ids)).distinct()


def dashboard_schools(user: AnyUser, *, locality: str = "", partnership: str = "", phase: str = "") -> QuerySet[School]:
    """The open schools of the user's outcomes that the filters keep, each once with no DISTINCT
    (as ``schools.selectors.school_directory``: a school is in a locality once and in a
    partnership currently once; a locality's or a partnership's slug is unique; the rest are
    subqueries). DISTINCT over all England's schools was most of the map's SQL."""
    schools = outcome_schools(user).exclude(status=School.Status.CLOSED)
    if locality:
        schools = schools.filter(localities__slug=locality)
    if partnership:
        schools = schools.filter(partnership_memberships__partnership__slug=partnership,
                                 partnership_memberships__left_on__isnull=True)  # fmt: skip
    if phase:
        schools = schools.filter(phase=phase)
    return schools


def _values(codes: list[str], school_ids: list[int]) -> pd.DataFrame:
    rows = Observation.objects.filter(
        indicator__code__in=codes, school_id__in=school_ids, status=Observation.Status.VALUE, value__isnull=False
    ).values_list("indicator__code", "school_id", "period", "value")
    return pd.DataFrame.from_records(list(rows), columns=["code", "school_id", "period", "value"])


@dataclass
class OutcomeSeries:
    indicator: Indicator
    table: pd.DataFrame  # spread_by_period's columns

    @property
    def latest(self) -> dict[str, Any]:
        return dict(self.table.iloc[-1])

    def chart_data(self, label: str) -> dict[str, Any]:
        none = [None] * len(self.table)
        return {
            "kind": "benchmark", "title": "", "unit": self.indicator.unit,
            "decimals": self.indicator.decimal_places, "direction": self.indicator.direction,
            "periods": list(self.table["period"]), "school": [round(v, 2) for v in self.table["overall"]],
            "school_label": label, "q1": list(self.table["q1"]), "median": list(self.table["median"]),
            "q3": list(self.table["q3"]), "band_label": "Middle half of schools", "median_label": "Median school",
            "target": none, "target_label": "", "standard": none, "standard_label": "",
        }  # fmt: skip


@dataclass
class Dashboard:
    schools: int
    outcomes: list[OutcomeSeries] = field(default_factory=list)
    gaps: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    grades: list[tuple[str, int]] = field(default_factory=list)
    risk_bands: list[tuple[str, int]] | None = None
    risk_run: RiskRun | None = None
    help: dict[str, Any] | None = None
    health: list[OutcomeSeries] | None = None


def _outcomes(ids: list[int]) -> tuple[list[OutcomeSeries], list[tuple[str, pd.DataFrame]]]:
    """Outcomes over time and the disadvantaged gaps of these schools: published data only."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=OUTCOMES)}
    public = [code for code in OUTCOMES if code in indicators and indicators[code].is_public]
    cohort_codes = sorted({indicators[c].cohort_indicator for c in public if indicators[c].cohort_indicator})
    values = _values(public + cohort_codes, ids)
    outcomes = []
    for code in public:
        own = values[values["code"] == code]
        if own.empty:
            continue
        cohort_code = indicators[code].cohort_indicator
        cohorts = values[values["code"] == cohort_code] if cohort_code else None
        outcomes.append(OutcomeSeries(indicators[code], spread_by_period(own, cohorts)))
    gaps = []
    for d_code, d_n, o_code, o_n, label in GAPS:
        gap_values = _values([d_code, d_n, o_code, o_n], ids)
        parts = [gap_values[gap_values["code"] == c] for c in (d_code, d_n, o_code, o_n)]
        table = gap_by_period(*parts)
        if not table.empty:
            gaps.append((label, table))
    return outcomes, gaps


def group_figures(indicator: Indicator, school_ids: list[int]) -> pd.DataFrame:
    """One indicator over a group of schools, period by period, as the dashboards compute it
    (``spread_by_period``: the overall figure weighted by each school's cohort where known).
    The caller decides which schools (a shared goal: the partnership's or locality's members)."""
    codes = [indicator.code, *([indicator.cohort_indicator] if indicator.cohort_indicator else [])]
    values = _values(codes, school_ids)
    own = values[values["code"] == indicator.code]
    cohorts = values[values["code"] == indicator.cohort_indicator] if indicator.cohort_indicator else None
    return spread_by_period(own, cohorts)


def _health(full: list[int]) -> list[OutcomeSeries]:
    """Partnerships' health (local records) over schools the reader sees in full."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=HEALTH)}
    health_values = _values([c for c in HEALTH if c in indicators], full)
    return [
        OutcomeSeries(indicators[code], spread_by_period(health_values[health_values["code"] == code]))
        for code in HEALTH
        if code in indicators and not health_values[health_values["code"] == code].empty
    ]


def dashboard_for(user: AnyUser, schools: QuerySet[School]) -> Dashboard:
    """The dashboard over ``schools`` (already those the user may see).

    The costly figures (outcomes, gaps, partnerships' health) are kept in the figures cache
    keyed by the very schools they are over, so readers who see the same schools share them
    and nobody gets figures over schools they may not see; risk and help are read per reader."""
    # The ids key the cached figures; the queries below take the schools as a subquery rather
    # than the ids (24,000 of them for all England, each a parameter of its own).
    # No ordering (the schools' is by name: a sort of 24,000 rows for all England, each time);
    # the grades are read with the id, so that DISTINCT still means one row per school.
    # One read gives both the ids and the grades (all England is 24,000 rows: read once).
    rows = list(schools.order_by().values_list("pk", "ofsted_rating"))
    ids = sorted(pk for pk, _ in rows)
    board = Dashboard(schools=len(ids))
    board.outcomes, board.gaps = figures_cached("dashboard-outcomes", lambda: _outcomes(ids), scope=ids)
    board.grades = count_by([rating for _, rating in rows], GRADES)
    if can_see_watch_list(user):
        board.risk_run = current_run()
        if board.risk_run is not None:
            run = board.risk_run
            bands = (
                risk_visible_to(user).filter(run=run, school_id__in=schools.values("pk")).values_list("band", flat=True)
            )
            labels = dict(RiskScore.Band.choices)
            # Kept for the run, the schools and the schools whose risk the reader may see (all
            # England's band is read from 24,000 wide rows of scores).
            risk_ids = risk_school_ids_visible_to(user)
            board.risk_bands = figures_cached(
                "dashboard-risk-bands",
                lambda: [(labels[b], n) for b, n in count_by(list(bands), list(labels)) if b in labels],
                scope=(run.pk, ids, None if risk_ids is None else sorted(risk_ids)),
            )
    scope = scope_of(user)
    if scope.is_system_lead or scope.leads_a_group:
        board.help = system_view(help_requests_brokered_by(user).filter(school_id__in=schools.values("pk")))["summary"]  # type: ignore[assignment]
    full = full_view_among(user, ids)
    if full:
        board.health = figures_cached("dashboard-health", lambda: _health(full), scope=full)
    return board


def map_indicators() -> QuerySet[Indicator]:
    """What the map may be coloured by: published outcome and headline indicators."""
    return Indicator.objects.filter(is_public=True, headline=True).exclude(
        direction=Indicator.Direction.NEITHER
    ) | Indicator.objects.filter(code__in=OUTCOMES, is_public=True)


def latest_values(indicator: Indicator, schools: QuerySet[School]) -> tuple[str, dict[int, float]]:
    """The latest period any of the schools has a value in, and their values in it."""
    # The schools as a subquery: all England is 24,000 ids, each a parameter to compile and bind.
    rows = Observation.objects.filter(
        indicator=indicator, school_id__in=schools.values("pk"), status=Observation.Status.VALUE, value__isnull=False
    )
    latest = rows.order_by("-period_start").values_list("period", flat=True).first()
    if latest is None:
        return "", {}
    return latest, {
        pk: float(v)
        for pk, v in rows.filter(period=latest).order_by().values_list("school_id", "value")
        if v is not None
    }
