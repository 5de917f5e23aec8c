"""Lagging triggers: symptoms of decline that has already happened (falling results,
rising absence, a weak inspection)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evenbetter.analytics.triggers.explanations import _assessment, _fill, _join, _numbers, number
from evenbetter.analytics.triggers.framework import (
    LAGGING,
    Snapshot,
    Trigger,
    TriggerSettings,
    register_trigger,
)
from evenbetter.vocabulary.directions import HIGHER, LOWER
from evenbetter.vocabulary.grades import GRADE_NAMES


def robust_spread(values: np.ndarray) -> float:
    """The spread of values across schools: IQR / 1.349 (the standard deviation of a
    normal distribution with that IQR, little moved by a few extreme schools), or the
    standard deviation when the IQR is 0; NaN when neither can be had."""
    present = values[~np.isnan(values)]
    if len(present) < 2:
        return float("nan")
    q1, q3 = np.quantile(present, [0.25, 0.75])
    spread = float((q3 - q1) / 1.349)
    if spread > 0:
        return spread
    deviation = float(np.std(present, ddof=1))
    return deviation if deviation > 0 else float("nan")


@register_trigger
class FallingAttainment(Trigger):
    """Results are the symptom everyone watches: counted, but as lagging.

    For each headline outcome indicator with a direction, compared with the school's
    previous period: it fires when one got worse by more than ``attainment_fall_sd`` times
    the indicator's spread across all schools in the period (see :func:`robust_spread`;
    an indicator with no spread is judged on the second rule only), or when one got
    worse in each of the last two changes (three periods). Measured when at least one
    headline indicator can be compared. Severity of a large fall: how far past the
    threshold, in spreads, over ``attainment_fall_sd`` (a fall of twice the threshold is
    fully severe); of two falls running, ``steady_decline_severity``.
    """

    code = "falling_attainment"
    name = "Falling results"
    kind = LAGGING
    indicators = ()

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        period = snapshot.period
        since, earlier = snapshot.previous_period, snapshot.before_period
        measured = np.zeros(size, dtype=bool)
        fired = np.zeros(size, dtype=bool)
        severity = np.zeros(size)
        evidence_parts, sentences = [], []
        limit = settings.attainment_fall_sd
        for code in sorted(snapshot.headline):
            direction = snapshot.direction(code)
            if direction not in (HIGHER, LOWER) or code not in snapshot.columns:
                continue
            sign = 1.0 if direction == HIGHER else -1.0
            now, last, first = snapshot.value(code), snapshot.previous_value(code), snapshot.before_value(code)
            compared = ~np.isnan(now) & ~np.isnan(last)
            three = compared & ~np.isnan(first)
            measured |= compared
            spread = robust_spread(now)
            with np.errstate(invalid="ignore"):
                fall = (last - now) * sign  # positive: got worse
                earlier_fall = (first - last) * sign
                in_spreads = fall / spread if spread > 0 else np.full(size, np.nan)
                large = compared & (in_spreads > limit)
                steady = three & (fall > 0) & (earlier_fall > 0)
                large_severity = np.clip((in_spreads - limit) / limit, 0.0, 1.0)
            fired |= large | steady
            severity = np.maximum(severity, np.where(large, large_severity, 0.0))
            severity = np.maximum(severity, np.where(steady, settings.steady_decline_severity, 0.0))

            name = snapshot.name_of(code)
            now_words, last_words, first_words = _numbers(now), _numbers(last), _numbers(first)
            spread_words = (
                f"a fall of more than {number(limit)} x spread {number(spread)} = {number(limit * spread)}"
                if spread > 0
                else "no spread across schools to judge the size of a fall"
            )
            evidence_parts.append(
                np.where(
                    ~np.isnan(now),
                    f"{name} {period}: "
                    + now_words
                    + np.where(compared, ", " + since + ": " + last_words, ", no earlier value")
                    + np.where(three, ", " + earlier + ": " + first_words, "")
                    + f" (threshold: {spread_words}, or worse in each of the last two changes)",
                    "",
                )
            )
            fell_much = np.where(
                large,
                f"Results fell: {name} from "
                + last_words
                + " in "
                + since
                + " to "
                + now_words
                + f" in {period}, a large fall for one year compared with the spread between schools.",
                "",
            )
            fell_again = np.where(
                steady,
                f"Results have fallen two years running: {name} "
                + first_words
                + " in "
                + earlier
                + ", "
                + last_words
                + " in "
                + since
                + ", "
                + now_words
                + f" in {period}.",
                "",
            )
            sentences += [fell_much, fell_again]
        evidence = np.where(
            measured,
            _join(evidence_parts, "; ", size),
            f"no headline result for {period} that can be compared with an earlier period",
        )
        return _assessment(snapshot, measured, fired, severity, evidence, _join(sentences, " ", size))


@dataclass(frozen=True)
class Rise:
    """An indicator up on the previous period by more than a threshold."""

    indicator: str
    label: str
    threshold: str  # the TriggerSettings field
    scale: float  # points past the threshold that count as fully severe
    sentence: str  # filled with now, last, since and rise


@register_trigger
class RisingAbsence(Trigger):
    """Absence rising is a symptom of pupils, families or staff losing faith in a school;
    it shows after the causes. Compared with the school's previous period, in
    percentage points; measured when either indicator can be compared."""

    code = "rising_absence"
    name = "Rising absence"
    kind = LAGGING
    indicators = ("absence_overall", "absence_persistent")
    rises: ClassVar[tuple[Rise, ...]] = (
        Rise(
            "absence_overall",
            "overall absence",
            "absence_overall_rise_over",
            scale=1.0,  # one point past the threshold (up 1.5 points) is fully severe
            sentence="Absence is rising: overall absence up {rise} points, from {last}% in {since} to {now}%.",
        ),
        Rise(
            "absence_persistent",
            "persistent absence",
            "absence_persistent_rise_over",
            scale=4.0,  # four points past the threshold (up 6 points) is fully severe
            sentence="More pupils persistently absent: up {rise} points, from {last}% in {since} to {now}%.",
        ),
    )

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        since = snapshot.previous_period
        measured = np.zeros(size, dtype=bool)
        fired = np.zeros(size, dtype=bool)
        severity = np.zeros(size)
        evidence_parts, sentences = [], []
        for rise in self.rises:
            limit = float(getattr(settings, rise.threshold))
            now, last = snapshot.value(rise.indicator), snapshot.previous_value(rise.indicator)
            compared = ~np.isnan(now) & ~np.isnan(last)
            measured |= compared
            with np.errstate(invalid="ignore"):
                up = now - last
                holds = compared & (up > limit)
            fired |= holds
            severity = np.maximum(severity, np.where(holds, np.clip((up - limit) / rise.scale, 0.0, 1.0), 0.0))
            words = {"now": _numbers(now), "last": _numbers(last), "since": since, "rise": _numbers(up)}
            evidence_parts.append(
                f"{rise.label} {snapshot.period}: "
                + _numbers(now, "%")
                + np.where(
                    compared,
                    ", " + since + ": " + _numbers(last, "%") + ", change " + words["rise"] + " points",
                    np.where(np.isnan(now), "", ", no earlier value"),
                )
                + f" (threshold: up by more than {number(limit)} points)"
            )
            sentences.append(np.where(holds, _fill(rise.sentence, words, size), ""))
        return _assessment(
            snapshot,
            measured,
            fired,
            severity,
            _join(evidence_parts, "; ", size),
            _join(sentences, " ", size),
        )


@register_trigger
class WeakInspection(Trigger):
    """An inspection grade is the most lagging symptom of all: it records what had
    already gone wrong. Reads the latest inspection on or before the period, however
    old; two in the same year count as the worse of them (their order is not known).
    Measured only for a school inspected on or before the period. Severity: grade 3 is
    0.5, grade 4 is 1 (the threshold counts as one step of two)."""

    code = "weak_inspection"
    name = "Weak inspection"
    kind = LAGGING
    indicators = ()

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        # The latest period first, the worse grade first within it; then one per school.
        latest = snapshot.inspections.sort_values(
            ["school_id", "period", "grade"], ascending=[True, False, False], kind="stable"
        ).drop_duplicates("school_id")
        by_school = latest.set_index("school_id").reindex(snapshot.school_ids)
        grade = by_school["grade"].to_numpy(dtype=float)
        when = by_school["period"].fillna("").to_numpy(dtype=object)
        measured = ~np.isnan(grade)
        limit = settings.inspection_grade_at_least
        with np.errstate(invalid="ignore"):
            fired = measured & (grade >= limit)
            severity = np.clip((grade - limit + 1) / 2.0, 0.0, 1.0)
        grade_words = pd.Series(grade).map(GRADE_NAMES).fillna("").to_numpy(dtype=object)
        evidence = np.where(
            measured,
            f"latest inspection on or before {snapshot.period}: "
            + when
            + ", grade "
            + _numbers(grade)
            + np.where(grade_words != "", " " + grade_words, "")
            + f" (threshold: grade {limit} or worse)",
            f"no inspection on or before {snapshot.period}",
        )
        explanation = "The latest inspection, in " + when + ", judged the school " + grade_words + "."
        return _assessment(snapshot, measured, fired, severity, evidence, explanation)
