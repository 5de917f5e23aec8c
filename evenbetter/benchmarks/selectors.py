"""Reads of families, benchmarks, strengths and comparator sets, each from the user's scope.

Benchmarks and families are public data (DESIGN.md: a school leader sees other schools'
public data and benchmarks): whoever may open a school's page sees them. A comparator
set is a school's own working: its leaders (and the partnership and system leads who see
the school in full) make and remove them; its governors see them too; nobody else does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.analytics.benchmark import benchmark_against, percentiles_among, standing_words
from evenbetter.analytics.strengths import (
    AREA_TO_DEVELOP,
    STRENGTH,
    STRONG_IN_AREA_COLUMNS,
    describe,
    describe_briefly,
    strengths_and_areas,
    strong_in_areas,
)
from evenbetter.benchmarks.frames import FAMILY_CONTEXT, strengths_input_frame
from evenbetter.benchmarks.models import Benchmark, ComparatorSet, FamilyMember, FamilyRun, SchoolStrengths
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.indicators.selectors import sees_local_records
from evenbetter.schools.access import SchoolAccess, school_access, schools_visible_to, sees_every_school
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.vocabulary.areas import AREA_INDICATORS
from evenbetter.vocabulary.directions import HIGHER, LOWER


def can_manage_comparator_sets(user: AnyUser, school: School) -> bool:
    return school_access(user, school) == SchoolAccess.FULL


def comparator_sets_visible_to(user: AnyUser, school: School) -> QuerySet[ComparatorSet]:
    if school_access(user, school) not in (SchoolAccess.FULL, SchoolAccess.GOVERNOR, SchoolAccess.STAFF):
        return ComparatorSet.objects.none()
    return ComparatorSet.objects.filter(school=school).prefetch_related("members")


@dataclass(frozen=True)
class FamilyRow:
    member: School
    rank: int
    distance: float
    weight_share: float
    why: list[dict[str, Any]]


@dataclass(frozen=True)
class SchoolFamily:
    run: FamilyRun | None
    rows: list[FamilyRow]
    no_family_reason: str = ""
    variables: list[tuple[str, str]] = field(default_factory=list)  # (variable, label)


def family_of_school(*, user: AnyUser, school: School, limit: int | None = None) -> SchoolFamily | None:
    if school_access(user, school) == SchoolAccess.NONE:
        return None
    run = FamilyRun.objects.first()
    members = FamilyMember.objects.filter(school=school).select_related("member").order_by("rank")
    if limit:
        members = members[:limit]
    labels = {variable: label for variable, (_, label) in FAMILY_CONTEXT.items()}
    rows = []
    for member in members:
        why = [
            {
                "variable": variable,
                "label": labels.get(variable, variable),
                "school_value": school_value,
                "member_value": member_value,
                "share": share,
            }
            for variable, school_value, member_value, share in member.why
        ]
        rows.append(FamilyRow(member.member, member.rank, member.distance, member.weight_share, why))
    reason = ""
    if run is not None and not rows:
        reason = run.no_family.get(str(school.pk), "")
        if not reason and school.status == School.Status.CLOSED:
            reason = "closed schools are not given a family"
    variables = [(w["variable"], w["label"]) for w in rows[0].why] if rows else []
    return SchoolFamily(run, rows, reason, variables)


@dataclass(frozen=True)
class BenchmarkPoint:
    period: str
    value: float
    family_count: int
    family_q1: float | None
    family_median: float | None
    family_q3: float | None
    family_percentile: float | None
    local_count: int
    local_percentile: float | None
    all_count: int
    all_percentile: float | None
    target: float | None
    gap_to_target: float | None
    standard: float | None
    average_value: float | None
    average_periods: int
    cohort: float | None
    small_cohort: bool


@dataclass(frozen=True)
class IndicatorBenchmark:
    indicator: Indicator
    points: list[BenchmarkPoint]
    comparison_label: str

    @property
    def latest(self) -> BenchmarkPoint:
        return self.points[-1]

    @property
    def standard_label(self) -> str:
        return self.indicator.standard_label or "Median of all schools of the phase"

    def chart_data(self, school_name: str) -> dict[str, Any]:
        """What the chart script draws (evenbetter/web/static/web/charts.js, kind "benchmark")."""
        direction = self.indicator.direction
        return {
            "kind": "benchmark",
            "title": "",  # the card's caption names it
            "unit": self.indicator.unit,
            "decimals": self.indicator.decimal_places,
            "direction": direction,
            "periods": [p.period for p in self.points],
            "school": [p.value for p in self.points],
            "school_label": school_name,
            "q1": [p.family_q1 for p in self.points],
            "median": [p.family_median for p in self.points],
            "q3": [p.family_q3 for p in self.points],
            "band_label": f"Middle half of {self.comparison_label}",
            "median_label": f"Median of {self.comparison_label}",
            "target": [p.target for p in self.points],
            "target_label": "Even better: the upper quartile of " + self.comparison_label,
            "standard": [p.standard for p in self.points],
            "standard_label": self.standard_label,
        }

    def summary(self) -> str:
        """The chart in words, for screen readers and print."""
        latest = self.latest
        label = self.indicator.label_for
        parts = [f"{self.indicator.name}, {latest.period}: {label(latest.value)}."]
        if latest.family_median is not None:
            parts.append(
                f"The median of {self.comparison_label} is {label(latest.family_median)}; "
                f"the middle half runs from {label(latest.family_q1)} to {label(latest.family_q3)}."
            )
        if latest.family_percentile is not None:
            parts.append(f"Better than {latest.family_percentile:.0f}% of them.")
        if latest.target is not None:
            if latest.gap_to_target:
                parts.append(f"Even-better target {label(latest.target)}, {label(latest.gap_to_target)} away.")
            else:
                parts.append(f"At or beyond the even-better target of {label(latest.target)}.")
        if latest.standard is not None:
            parts.append(f"{self.standard_label}: {label(latest.standard)}.")
        if len(self.points) > 1:
            first = self.points[0]
            parts.append(f"In {first.period} it was {label(first.value)}.")
        return " ".join(parts)


def _point(benchmark: Benchmark) -> BenchmarkPoint:
    return BenchmarkPoint(**{name: getattr(benchmark, name) for name in BenchmarkPoint.__dataclass_fields__})


def school_benchmarks(
    *,
    user: AnyUser,
    school: School,
    comparator: ComparatorSet | None = None,
    headline_only: bool = False,
    indicator_ids: Collection[int] | None = None,
) -> list[IndicatorBenchmark]:
    """Every benchmarked indicator of the school (or only ``indicator_ids``), oldest period
    first, against its family or against a comparator set of its own (whose figures are
    worked out here)."""
    access = school_access(user, school)
    if access == SchoolAccess.NONE:
        return []
    rows = Benchmark.objects.filter(school=school).select_related("indicator")
    if not sees_local_records(access):
        rows = rows.filter(indicator__is_public=True)
    if headline_only:
        rows = rows.filter(indicator__headline=True)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    grouped: dict[int, list[Benchmark]] = {}
    indicators: dict[int, Indicator] = {}
    for row in rows.order_by("indicator__domain", "indicator__name", "period_start"):
        grouped.setdefault(row.indicator_id, []).append(row)
        indicators[row.indicator_id] = row.indicator
    family_size = FamilyMember.objects.filter(school=school).count()
    label = f"{family_size} similar schools" if family_size else "similar schools"
    result = [IndicatorBenchmark(indicators[pk], [_point(r) for r in grouped[pk]], label) for pk in grouped]
    if comparator is None:
        return result
    return _against_comparator_set(result, comparator)


def _against_comparator_set(
    benchmarks: list[IndicatorBenchmark], comparator: ComparatorSet
) -> list[IndicatorBenchmark]:
    member_ids = [m.pk for m in comparator.members.all()]
    frame = pd.DataFrame.from_records(
        Observation.objects.filter(
            school_id__in=member_ids,
            indicator_id__in=[b.indicator.pk for b in benchmarks],
            value__isnull=False,
        ).values_list("indicator_id", "period", "value"),
        columns=["indicator_id", "period", "value"],
    )
    values = {key: group["value"].to_numpy(dtype=float) for key, group in frame.groupby(["indicator_id", "period"])}
    label = f'"{comparator.name}" ({len(member_ids)} schools)'
    changed = []
    for entry in benchmarks:
        points = []
        for point in entry.points:
            members = values.get((entry.indicator.pk, point.period), np.array([]))
            # A set of its own may be as small as three schools: its maker chose them.
            figures = benchmark_against(point.value, members, direction=entry.indicator.direction, min_values=3)
            target = figures["target"]
            gap = None
            if target is not None:
                gap = max(float(target) - point.value, 0.0) if entry.indicator.direction == HIGHER else None
                gap = max(point.value - float(target), 0.0) if entry.indicator.direction == LOWER else gap
            points.append(
                replace(
                    point,
                    family_count=int(figures["count"] or 0),
                    family_q1=figures["q1"],
                    family_median=figures["median"],
                    family_q3=figures["q3"],
                    family_percentile=figures["percentile"],
                    target=target,
                    gap_to_target=gap,
                )
            )
        changed.append(IndicatorBenchmark(entry.indicator, points, label))
    return changed


@dataclass(frozen=True)
class StrengthLine:
    indicator: Indicator
    kind: str
    text: str
    consistent: bool
    brief: str = ""  # at a glance (``describe_briefly``); "" in lines cached before it was kept
    # The school's benchmarked values of the indicator, oldest first, and whether any came from
    # generated records, kept with the line by the refresh (``services.strengths_keep``) for the
    # glance's sparkline; None in lines worked out on the page or kept before they were.
    points: tuple[tuple[str, float], ...] | None = None
    generated: bool | None = None


@dataclass(frozen=True)
class StrengthsAndAreas:
    strengths: list[StrengthLine]
    areas: list[StrengthLine]


def school_strengths(*, user: AnyUser, school: School) -> StrengthsAndAreas:
    """Where the school stands out in its family, headline indicators first."""
    access = school_access(user, school)
    if access == SchoolAccess.NONE:
        return StrengthsAndAreas([], [])
    with_local = sees_local_records(access)
    # Worked out for every school by the refresh, with the benchmarks they come from
    # (``services.strengths_keep``): one row read.
    kept = SchoolStrengths.objects.filter(school_id=school.pk).values_list("found", flat=True).first()
    if kept is not None:
        return _strengths_from(kept, with_local=with_local)
    # No row yet (benchmarks written before strengths were kept): worked out now, and kept in
    # the figures cache per school and per what the reader may see of it (published benchmarks
    # only, or local records too): the same for every reader of that kind.
    return figures_cached(
        "school-strengths",
        lambda: _school_strengths(school=school, with_local=with_local),
        scope=(school.pk, with_local),
    )


def _school_strengths(*, school: School, with_local: bool) -> StrengthsAndAreas:
    frame = strengths_input_frame(between=(school.pk, school.pk + 1), public_only=not with_local)
    if frame.empty:
        return StrengthsAndAreas([], [])
    return _strengths_from(found_records(strengths_and_areas(frame)), with_local=with_local)


def found_records(found: pd.DataFrame) -> list[dict[str, Any]]:
    """``strengths_and_areas``' rows as plain values (kept as JSON by the refresh)."""
    return [
        {str(key): value.item() if isinstance(value, np.generic) else value for key, value in record.items()}
        for record in found.to_dict("records")
    ]


def _strengths_from(found: list[dict[str, Any]], *, with_local: bool) -> StrengthsAndAreas:
    """The lines of one school's strengths and areas, in words, from ``strengths_and_areas``'
    rows (strongest first), as a reader who sees published figures only, or local records too,
    may see them: the indicators as the catalogue holds them now."""
    if not found:
        return StrengthsAndAreas([], [])
    indicators = Indicator.objects.in_bulk({int(row["indicator"]) for row in found})
    lines: dict[str, list[StrengthLine]] = {STRENGTH: [], AREA_TO_DEVELOP: []}
    for found_row in found:
        indicator = indicators.get(int(found_row["indicator"]))
        if indicator is None or not (with_local or indicator.is_public):
            continue
        value_label = indicator.label_for(float(found_row["latest_value"]))
        text = describe(found_row, indicator.name, value_label)
        brief = describe_briefly(found_row, indicator.name, value_label)
        kind = str(found_row["kind"])
        points = found_row.get("points")
        lines[kind].append(
            StrengthLine(
                indicator, kind, text, bool(found_row["consistent"]), brief,
                points=None if points is None else tuple((str(period), float(value)) for period, value in points),
                generated=found_row.get("generated"),
            )
        )  # fmt: skip

    def order(line: StrengthLine) -> tuple[bool, bool]:
        return (not line.indicator.headline, not line.consistent)

    return StrengthsAndAreas(sorted(lines[STRENGTH], key=order), sorted(lines[AREA_TO_DEVELOP], key=order))


def strong_in_area(*, area: str, schools: Iterable[int] | QuerySet[School] | None = None) -> pd.DataFrame:
    """The schools strong in an area, with the evidence: the one meaning of "strong in an
    area" (``analytics.strengths.strong_in_areas``: strong, by the school page's rule, in
    at least one of the area's indicators), from the published benchmarks, which anyone who
    sees public data may see. ``schools`` narrows it to some schools (ids or a query).

    One row per school and indicator that makes it strong, strongest first within each
    school: ``STRONG_IN_AREA_COLUMNS`` (``indicator`` is the code) and ``indicator_name``.
    An area without indicators has no strong schools.
    """
    codes = AREA_INDICATORS.get(area, ())
    columns = ["school_id", "indicator", "period", "period_start", "value", "family_percentile", "small_cohort"]
    rows = Benchmark.objects.filter(
        indicator__code__in=codes, indicator__is_public=True, family_percentile__isnull=False
    ).exclude(indicator__domain=Indicator.Domain.DATA_QUALITY)
    if schools is not None:
        rows = rows.filter(school__in=schools)
    frame = pd.DataFrame.from_records(
        rows.values_list(
            "school_id", "indicator__code", "period", "period_start", "value", "family_percentile", "small_cohort"
        ),
        columns=columns,
    )
    if frame.empty:
        return pd.DataFrame(columns=[*STRONG_IN_AREA_COLUMNS, "indicator_name"])
    strong = strong_in_areas(frame, {area: codes})
    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
    return strong.assign(indicator_name=strong["indicator"].map(names))


# The school fields the explorer's table, chart and export show, in the order they are kept.
EXPLORER_SCHOOL_FIELDS = ("id", "urn", "name", "phase", "la_name")
EXPLORER_LISTED = 100  # rows of the table on one page; the CSV has them all


@dataclass(frozen=True)
class Distribution:
    indicator: Indicator
    period: str
    scope_label: str
    highlight: School | None
    # What the spread is kept under in the figures cache: the indicator, the period and which
    # schools (their ids, or every school); a page drawn from it may be kept under it too.
    group: tuple[Any, ...]
    schools: QuerySet[School] = field(repr=False, compare=False)

    @cached_property
    def _kept(self) -> tuple[list[tuple[Any, ...]], list[float | None]]:
        # Read when first asked for: a page kept whole (the explorer's) never reads the spread.
        return figures_cached(
            "explorer-distribution", lambda: _distribution(self.indicator, self.period, self.schools), scope=self.group
        )

    @property
    def entries(self) -> list[tuple[Any, ...]]:
        """(id, urn, name, phase, la_name, value, percentile within the group shown), best first:
        plain tuples, kept in the figures cache; ``rows`` makes them School objects when asked."""
        return self._kept[0]

    @property
    def q1(self) -> float | None:
        return self._kept[1][0]

    @property
    def median(self) -> float | None:
        return self._kept[1][1]

    @property
    def q3(self) -> float | None:
        return self._kept[1][2]

    @cached_property
    def highlight_value(self) -> float | None:
        highlight = self.highlight
        return next((entry[5] for entry in self.entries if highlight and entry[0] == highlight.pk), None)

    @staticmethod
    def _rows(entries: list[tuple[Any, ...]]) -> list[tuple[School, float, float]]:
        # from_db takes the fields in the model's order, not ours.
        ordered = [f.attname for f in School._meta.concrete_fields if f.attname in EXPLORER_SCHOOL_FIELDS]
        where = [EXPLORER_SCHOOL_FIELDS.index(name) for name in ordered]
        db = School.objects.db
        return [(School.from_db(db, ordered, [entry[i] for i in where]), entry[5], entry[6]) for entry in entries]

    @cached_property
    def rows(self) -> list[tuple[School, float, float]]:
        """Every school shown: school, value, percentile within the group shown (the export)."""
        return self._rows(self.entries)

    def rows_of(self, entries: list[tuple[Any, ...]]) -> list[tuple[School, float, float]]:
        """Some of the entries (a page of the table) as rows."""
        return self._rows(entries)

    @property
    def count(self) -> int:
        return len(self.entries)

    def chart_data(self) -> dict[str, Any]:
        return {
            "kind": "distribution",
            "title": f"{self.indicator.name}, {self.period}",
            "unit": self.indicator.unit,
            "decimals": self.indicator.decimal_places,
            "values": [entry[5] for entry in self.entries],
            "highlight": self.highlight_value,
            "highlight_label": self.highlight.name if self.highlight else "",
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
        }


def explorable_indicators() -> QuerySet[Indicator]:
    # EXISTS per indicator reads the (indicator, period) index; a join over every observation does not.
    held = Observation.objects.filter(indicator=OuterRef("pk"), value__isnull=False)
    return Indicator.objects.filter(Exists(held)).order_by("domain", "name")


@dataclass(frozen=True)
class ExplorableIndicators:
    """The explorer's indicators: (domain, [(code, name)]) in Django's choices format, and the
    code shown when none is asked for (a headline indicator other than context, else the first)."""

    choices: list[tuple[str, list[tuple[str, str]]]]
    default: str | None


def explorable_indicator_choices() -> ExplorableIndicators:
    """``explorable_indicators`` as the explorer's select offers them, read as plain values (350
    indicators made into objects and grouped by the template's ``regroup`` were a good part of the
    page's time). Kept in the figures cache: which indicators hold values changes only with a write
    of values, their names only with the catalogue, and each renews the generation; the same for
    every reader (the explorer offers every indicator that holds values to whoever may open it)."""
    return figures_cached("explorer-indicators", _explorable_indicator_choices)


def _explorable_indicator_choices() -> ExplorableIndicators:
    groups: dict[str, list[tuple[str, str]]] = {}
    first = default = None
    for code, name, domain, headline in explorable_indicators().values_list("code", "name", "domain", "headline"):
        groups.setdefault(Indicator.Domain(domain).label, []).append((code, name))
        first = first or code
        if default is None and headline and domain != Indicator.Domain.CONTEXT:
            default = code
    return ExplorableIndicators(list(groups.items()), default or first)


def indicator_periods(indicator: Indicator) -> list[str]:
    """The periods in which the indicator holds a value, newest first: kept in the figures cache
    (written values renew it), the same for every reader."""
    return figures_cached("indicator-periods", lambda: _indicator_periods(indicator), scope=indicator.pk)


def _indicator_periods(indicator: Indicator) -> list[str]:
    return list(
        Observation.objects.filter(indicator=indicator, value__isnull=False)
        .order_by("-period_start")
        .values_list("period", flat=True)
        .distinct()
    )


def explorer_distribution(
    *,
    user: AnyUser,
    indicator: Indicator,
    period: str,
    locality: Locality | None = None,
    partnership: Partnership | None = None,
    family_of: School | None = None,
    phase: str = "",
    highlight: School | None = None,
) -> Distribution:
    """One indicator across a group of schools the user may see: a family, a locality, a
    partnership or all of them (optionally one phase)."""
    schools = schools_visible_to(user)
    scope_label = "all schools you can see"
    if family_of is not None:
        if school_access(user, family_of) == SchoolAccess.NONE:
            schools = schools.none()
        member_ids = list(FamilyMember.objects.filter(school=family_of).values_list("member_id", flat=True))
        schools = schools.filter(pk__in=[*member_ids, family_of.pk])
        scope_label = f"{family_of.name} and its family"
    elif locality is not None:
        schools = schools.filter(localities=locality)
        scope_label = f"schools in {locality.name}"
    elif partnership is not None:
        schools = schools.filter(
            partnership_memberships__partnership=partnership, partnership_memberships__left_on=None
        )
        scope_label = f"schools in {partnership.name}"
    if phase:
        schools = schools.filter(phase=phase)
        scope_label += f" ({phase.lower()})"
    if not indicator.is_public:
        # A local record is shown only for the schools the user sees in full or governs.
        scope = scope_of(user)
        if not scope.is_system_lead:
            schools = schools.filter(pk__in=scope.full_school_ids | scope.governed_school_ids)
    # The spread depends only on the indicator, the period and which schools: kept in the
    # figures cache under those (the schools by their ids, so that readers who see the same
    # schools share it and nobody gets another group's), renewed with every write of values.
    # Every school, unnarrowed, is named as such instead of by its 24,000 ids (reading and
    # hashing them took about 10 ms a request): a school the register adds has no values yet,
    # and the values it gets are written with a new generation.
    every_school = (
        family_of is None
        and locality is None
        and partnership is None
        and not phase
        and sees_every_school(user)
        and (indicator.is_public or scope_of(user).is_system_lead)
    )
    group = (indicator.pk, period, "every school" if every_school else _ids_of(schools))
    return Distribution(indicator, period, scope_label, highlight, group, schools)


def _ids_of(schools: QuerySet[School]) -> list[int]:
    """The schools' ids, sorted: read straight from the cursor (all England is 24,000 of them,
    and the queryset's iterator made most of the time of the cached explorer)."""
    sql, params = schools.order_by().values("pk").query.sql_with_params()
    with connections[schools.db].cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _distribution(
    indicator: Indicator, period: str, schools: QuerySet[School]
) -> tuple[list[tuple[Any, ...]], list[float | None]]:
    """The explorer's rows (``Distribution.entries``), best first, and the quartiles."""
    # Only what the table, the chart and the export show, as plain rows (all of England is
    # 20,000 values), in no order: the rows are sorted below, the way the indicator runs.
    observed = Observation.objects.filter(
        indicator=indicator, period=period, value__isnull=False, school__in=schools.values("pk")
    )
    fields = [f"school__{name}" for name in EXPLORER_SCHOOL_FIELDS[1:]]
    found = [
        (row[1], *row[2:], float(row[0])) for row in observed.values_list("value", "school_id", *fields).order_by()
    ]
    values = np.array([entry[5] for entry in found], dtype=float)
    shares = percentiles_among(values, indicator.direction)
    entries = [(*entry, float(share)) for entry, share in zip(found, shares, strict=True)]
    if indicator.direction == Indicator.Direction.LOWER_IS_BETTER:
        entries.sort(key=lambda e: (e[5], e[2]))
    else:
        entries.sort(key=lambda e: (-e[5], e[2]))
    quartiles: list[float | None] = (
        [float(q) for q in np.quantile(values, [0.25, 0.5, 0.75])] if len(values) else [None, None, None]
    )
    return entries, quartiles


@dataclass(frozen=True)
class GroupOutcome:
    indicator: Indicator
    period: str
    count: int
    median: float
    percentile: float | None


def group_outcomes(*, user: AnyUser, schools: QuerySet[School]) -> list[GroupOutcome]:
    """A group's headline published outcomes, latest period: the members' median value and
    how far up all schools of their phase the typical member stands."""
    visible = schools_visible_to(user).filter(pk__in=schools.values("pk"))
    rows = (
        Benchmark.objects.filter(
            school__in=visible,
            indicator__headline=True,
            indicator__is_public=True,
            indicator__domain__in=[Indicator.Domain.OUTCOMES, Indicator.Domain.ATTENDANCE],
        )
        .select_related("indicator")
        .order_by("indicator__domain", "indicator__name", "-period_start")
    )
    latest: dict[int, str] = {}
    values: dict[int, list[tuple[float, float | None]]] = {}
    indicators: dict[int, Indicator] = {}
    for row in rows:
        period = latest.setdefault(row.indicator_id, row.period)
        if row.period != period:
            continue
        indicators[row.indicator_id] = row.indicator
        values.setdefault(row.indicator_id, []).append((row.value, row.all_percentile))
    found = []
    for indicator_id, pairs in values.items():
        percentiles = [p for _, p in pairs if p is not None]
        found.append(
            GroupOutcome(
                indicators[indicator_id],
                latest[indicator_id],
                len(pairs),
                float(np.median([v for v, _ in pairs])),
                float(np.median(percentiles)) if percentiles else None,
            )
        )
    return found


STRONG_SHOWN = 60


def can_see_who_is_strong(user: AnyUser) -> bool:
    """Who is strong at what (from published benchmarks): whoever sees every school's public data."""
    return scope_of(user).sees_public_data


@dataclass(frozen=True)
class StrongSchool:
    """A school strong in an area, and the published figures that make it so, in words."""

    school: School
    lines: list[str]  # "Writing progress: 3.3 points in 2018/19, better than almost all similar schools"
    best_percentile: float


def strong_schools_in(*, area: str, schools: QuerySet[School], limit: int = STRONG_SHOWN) -> list[StrongSchool]:
    """Who is strong at what: the schools among ``schools`` strong in ``area`` by the one rule
    (``strong_in_area``), strongest first, each with its evidence in plain words."""
    strong = strong_in_area(area=area, schools=schools)
    if strong.empty:
        return []
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=set(strong["indicator"]))}
    by_school = {s.pk: s for s in School.objects.filter(pk__in=set(strong["school_id"].astype(int)))}
    found = []
    for school_id, rows in strong.groupby("school_id", sort=False):
        lines = []
        for code, value, period, percentile in zip(
            rows["indicator"].tolist(), rows["latest_value"].tolist(), rows["latest_period"].tolist(),
            rows["latest_percentile"].tolist(), strict=True,
        ):  # fmt: skip
            indicator = indicators[str(code)]
            words = standing_words(float(percentile), indicator.direction)
            lines.append(f"{indicator.name}: {indicator.label_for(float(value))} in {period}, {words}")
        school = by_school.get(int(str(school_id)))
        if school is not None:
            found.append(StrongSchool(school, lines, float(rows["latest_percentile"].max())))
    found.sort(key=lambda s: (-s.best_percentile, s.school.name))
    return found[:limit]
