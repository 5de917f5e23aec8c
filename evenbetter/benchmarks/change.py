"""What changed at a school on an area's indicators, against its family of similar schools
over the same years: the one home of that measurement, read by support (what changed after
a support) and practice (what changed after a school tried an item).

"Before" is given by the caller (the academic year finished before the event); "after" is
the first (support: the year it closed in) or the latest (practice: the longest time under
it) academic year from ``after_from`` on with a published value at the school. The family
is the school's family of similar schools without ``leave_out`` (schools whose results may
have moved with the same event). The arithmetic is ``analytics.impact.support_impact``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from evenbetter.analytics.impact import ImpactEstimate, support_impact
from evenbetter.benchmarks.models import FamilyMember
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.vocabulary.areas import AREA_INDICATORS
from evenbetter.vocabulary.directions import HIGHER, LOWER
from evenbetter.vocabulary.periods import ACADEMIC_YEAR


@dataclass(frozen=True)
class IndicatorImpact:
    indicator: Indicator
    before_period: str
    after_period: str | None
    estimate: ImpactEstimate | None
    words: str
    # The school had a value before, and the results after are not in yet (rather than
    # nothing before to compare with).
    not_yet: bool = False


def unit_words(indicator: Indicator) -> str:
    return "percentage points" if indicator.unit == "%" else ("" if indicator.unit in ("score", "") else indicator.unit)


def area_indicators(area: str) -> list[Indicator]:
    """The area's indicators that have a better direction, in the area's own order: its first
    (the progress measure, mostly) is the headline."""
    codes = AREA_INDICATORS.get(area, ())
    return sorted(
        Indicator.objects.filter(
            code__in=codes, direction__in=[Indicator.Direction.HIGHER_IS_BETTER, Indicator.Direction.LOWER_IS_BETTER]
        ),
        key=lambda indicator: codes.index(indicator.code),
    )


class Values:
    """Published values as the measurement reads them, one school at a time (a few queries for
    one support or one item)."""

    def value(self, indicator: Indicator, period: str, school_id: int) -> float | None:
        return (
            Observation.objects.filter(
                indicator=indicator, school_id=school_id, period=period, status=Observation.Status.VALUE
            )
            .values_list("value", flat=True)
            .first()
        )

    def after(self, indicator: Indicator, school_id: int, after_from: str, *, latest: bool) -> tuple[str, float] | None:
        """The first (or latest) academic year from ``after_from`` on with a value at the school."""
        row = (
            Observation.objects.filter(
                indicator=indicator, school_id=school_id, status=Observation.Status.VALUE,
                period__gte=after_from, period__regex=ACADEMIC_YEAR.pattern, value__isnull=False,
            )
            .order_by("-period_start" if latest else "period_start")
            .values_list("period", "value")
            .first()
        )  # fmt: skip
        return (str(row[0]), float(row[1])) if row and row[1] is not None else None

    def family(self, indicator: Indicator, period: str, school_ids: list[int]) -> pd.Series:
        rows = Observation.objects.filter(
            indicator=indicator, period=period, school_id__in=school_ids, status=Observation.Status.VALUE
        ).values_list("school_id", "value")
        return pd.Series(dict(rows), dtype=float)


class ValuesByPeriod(Values):
    """The same values read a whole period of an indicator at a time and kept: for measuring
    many schools in one go (a refresh), where one query a school would be thousands."""

    def __init__(self) -> None:
        self._columns: dict[tuple[int, str], dict[int, float]] = {}
        self._periods: dict[int, list[str]] = {}

    def _column(self, indicator: Indicator, period: str) -> dict[int, float]:
        key = (indicator.pk, period)
        if key not in self._columns:
            rows = Observation.objects.filter(
                indicator=indicator, period=period, status=Observation.Status.VALUE, value__isnull=False
            ).values_list("school_id", "value")
            self._columns[key] = {int(school_id): float(value) for school_id, value in rows if value is not None}
        return self._columns[key]

    def value(self, indicator: Indicator, period: str, school_id: int) -> float | None:
        return self._column(indicator, period).get(school_id)

    def after(self, indicator: Indicator, school_id: int, after_from: str, *, latest: bool) -> tuple[str, float] | None:
        if indicator.pk not in self._periods:
            periods = (
                Observation.objects.filter(indicator=indicator, period__regex=ACADEMIC_YEAR.pattern)
                .values_list("period", "period_start")
                .distinct()
            )
            self._periods[indicator.pk] = [period for period, _ in sorted(set(periods), key=lambda p: p[1])]
        candidates = [period for period in self._periods[indicator.pk] if period >= after_from]
        for period in reversed(candidates) if latest else candidates:
            value = self._column(indicator, period).get(school_id)
            if value is not None:
                return period, value
        return None

    def family(self, indicator: Indicator, period: str, school_ids: list[int]) -> pd.Series:
        column = self._column(indicator, period)
        return pd.Series({pk: column[pk] for pk in school_ids if pk in column}, dtype=float)


def change_against_family(
    *,
    school_id: int,
    indicators: list[Indicator],
    before: str,
    after_from: str,
    leave_out: Collection[int] = (),
    latest: bool = False,
    event: str = "the support",
    alongside: str = "the support",
    values: Values | None = None,
) -> list[IndicatorImpact]:
    """One line per indicator: the school's change from ``before`` to the first (or
        ``latest``) academic year from ``after_from`` on, against its family's, with the words;
        ``event`` names when it began ("the support", "it started") and ``alongside`` what
    happened in between ("the support", "the practice"); ``values``: how
        the values are read (``ValuesByPeriod`` when measuring many schools at once)."""
    values = values or Values()
    family = list(
        FamilyMember.objects.filter(school_id=school_id)
        .exclude(member_id__in=list(leave_out))
        .values_list("member_id", flat=True)
    )
    lines = []
    for indicator in indicators:
        school_before = values.value(indicator, before, school_id)
        after_row = values.after(indicator, school_id, after_from, latest=latest)
        if school_before is None:
            words = f"{indicator.name}: no value for {before}, the year before {event}, so nothing to compare."
            lines.append(IndicatorImpact(indicator, before, None, None, words))
            continue
        if after_row is None:
            words = f"{indicator.name}: not measured yet — the results of {after_from} or later are not in."
            lines.append(IndicatorImpact(indicator, before, None, None, words, not_yet=True))
            continue
        after, school_after = after_row[0], float(after_row[1])
        estimate = support_impact(
            float(school_before),
            school_after,
            values.family(indicator, before, family),
            values.family(indicator, after, family),
            direction=HIGHER if indicator.direction == Indicator.Direction.HIGHER_IS_BETTER else LOWER,
        )
        words = f"{before} to {after}: " + estimate.describe(indicator.name, unit_words(indicator), alongside=alongside)
        lines.append(IndicatorImpact(indicator, before, after, estimate, words))
    return lines
