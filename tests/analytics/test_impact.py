"""Measured impact of support: a difference in differences, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.impact import (
    BETTER,
    SUMMARY_KEYS,
    TOO_FEW,
    UNCLEAR,
    WORSE,
    ImpactSettings,
    support_impact,
    system_summary,
)

# Student's t, 95th percentile, 4 degrees of freedom (a 90% two-sided interval from 5 schools).
T_95_4DF = 2.1318467863266495


def _family(before: list[float], after: list[float], start: int = 11) -> tuple[pd.Series, pd.Series]:
    index = range(start, start + len(before))
    return pd.Series(before, index=index, dtype=float), pd.Series(after, index=index, dtype=float)


# Five family schools, all at 50, moving by 1, 2, 3, 2, 2: a mean change of +2, a tight spread.
TIGHT = _family([50, 50, 50, 50, 50], [51, 52, 53, 52, 52])


def test_difference_in_differences_by_hand() -> None:
    estimate = support_impact(60, 70, *TIGHT, direction="higher")
    assert estimate.school_change == pytest.approx(10.0)
    assert estimate.family_change == pytest.approx(2.0)
    assert estimate.effect == pytest.approx(8.0)
    assert estimate.comparison_schools == 5
    # The prediction interval for one school: 8 ± t × s × √(1 + 1/n), s = √0.5.
    half = T_95_4DF * math.sqrt(0.5) * math.sqrt(1 + 1 / 5)
    assert half == pytest.approx(1.6513, abs=1e-4)
    assert (estimate.low, estimate.high) == (pytest.approx(8 - half), pytest.approx(8 + half))
    assert estimate.verdict == BETTER


def test_lower_is_better_turns_the_sign() -> None:
    higher = support_impact(60, 70, *TIGHT, direction="higher")
    lower = support_impact(60, 70, *TIGHT, direction="lower")
    assert lower.school_change == pytest.approx(10.0)  # the changes are as the indicator runs
    assert lower.family_change == pytest.approx(2.0)
    assert lower.effect == pytest.approx(-8.0)
    assert (lower.low, lower.high) == (pytest.approx(-higher.high), pytest.approx(-higher.low))
    assert lower.verdict == WORSE
    # Absence falling faster than the family's is better.
    fell = support_impact(10, 6, *_family([9, 9, 9, 9, 9], [8, 8.5, 9, 8.5, 8.5]), direction="lower")
    assert fell.effect == pytest.approx(3.5)
    assert fell.verdict == BETTER


def test_family_schools_are_paired_by_school() -> None:
    before = pd.Series({11: 50.0, 12: 50.0, 13: 50.0, 14: 50.0, 15: 50.0, 16: 0.0, 18: 40.0})
    after = pd.Series({15: 52.0, 14: 52.0, 13: 53.0, 12: 52.0, 11: 51.0, 17: 99.0, 18: np.nan})
    estimate = support_impact(60, 70, before, after, direction="higher")
    # 16 has no value after, 17 none before and 18 a blank: only 11-15 count, in any order.
    assert estimate.comparison_schools == 5
    assert estimate.family_change == pytest.approx(2.0)
    assert estimate.effect == pytest.approx(8.0)


def test_too_few_comparison_schools_to_say() -> None:
    before, after = _family([50, 50, 50, 50], [51, 52, 53, 52])
    estimate = support_impact(60, 70, before, after, direction="higher")
    assert estimate.comparison_schools == 4
    assert estimate.verdict == TOO_FEW
    assert math.isnan(estimate.low) and math.isnan(estimate.high)
    assert estimate.effect == pytest.approx(8.0)
    assert estimate.describe("Reading score", "points") == (
        "Reading score rose by 10.0 points at the school, against a rise of 2.0 points on average "
        "across 4 similar schools: too few similar schools to tell the school's change from theirs."
    )
    # Five is enough.
    assert support_impact(60, 70, *TIGHT, direction="higher").verdict != TOO_FEW
    nobody = support_impact(60, 70, pd.Series(dtype=float), pd.Series(dtype=float), direction="higher")
    assert (nobody.comparison_schools, nobody.verdict) == (0, TOO_FEW)
    assert "nothing to compare it with" in nobody.describe("Reading score", "points")


def test_an_interval_that_spans_zero_cannot_be_told_from_no_effect() -> None:
    noisy = _family([50, 50, 50, 50, 50, 50], [40, 55, 62, 44, 53, 58])  # mean change +2, wide spread
    estimate = support_impact(60, 70, *noisy, direction="higher")
    assert estimate.effect == pytest.approx(8.0)
    assert estimate.low < 0 < estimate.high
    assert estimate.verdict == UNCLEAR
    text = estimate.describe("Reading score", "points")
    assert "With 90% confidence the difference lies between" in text
    assert text.endswith("so it cannot be told from no effect.")
    assert "better than similar" not in text


def test_a_clear_effect_in_a_tight_family_is_beyond_chance_but_not_called_a_cause() -> None:
    text = support_impact(60, 70, *TIGHT, direction="higher").describe("Reading score", "points")
    assert text == (
        "Reading score rose by 10.0 points at the school, against a rise of 2.0 points on average across "
        "5 similar schools: 8.0 points better than theirs. With 90% confidence the difference lies between "
        "+6.3 points and +9.7 points (above zero is better): better than similar schools' change, beyond what "
        "chance alone would give. This is what changed alongside the support, not proof that the support "
        "caused it."
    )


def test_worse_words_and_percent_units() -> None:
    estimate = support_impact(95.0, 90.0, *TIGHT, direction="higher")
    assert estimate.verdict == WORSE
    text = estimate.describe("Attendance", "%")
    assert text.startswith("Attendance fell by 5.0% at the school, against a rise of 2.0% on average")
    assert "7.0% worse than theirs" in text
    assert WORSE in text


def test_confidence_widens_the_interval() -> None:
    ninety = support_impact(60, 70, *TIGHT, direction="higher")
    ninety_nine = support_impact(60, 70, *TIGHT, direction="higher", settings=ImpactSettings(confidence=0.99))
    assert ninety_nine.low < ninety.low and ninety_nine.high > ninety.high
    assert "With 99% confidence" in ninety_nine.describe("Reading score", "points")


def test_the_bootstrap_is_reproducible_and_stays_within_the_family_spread() -> None:
    settings = ImpactSettings(method="bootstrap", bootstrap=500, random_state=7)
    first = support_impact(60, 70, *TIGHT, direction="higher", settings=settings)
    again = support_impact(60, 70, *TIGHT, direction="higher", settings=settings)
    assert first == again
    # One school's change (1, 2 or 3) minus a resampled mean (between 1 and 3) lies in -2..2.
    assert 6.0 <= first.low < 8.0 < first.high <= 10.0
    assert first.verdict == BETTER
    # The seed is what the interval depends on: another one resamples differently (the effect,
    # computed before any resampling, is the same whatever the seed, so it would prove nothing).
    # Changes spread out, so that the resampled quantiles do not land on the same few values.
    spread = _family([50] * 8, [51.13, 52.71, 53.37, 51.94, 52.48, 50.82, 53.95, 52.26])
    seeded = [
        support_impact(
            60,
            70,
            *spread,
            direction="higher",
            settings=ImpactSettings(method="bootstrap", bootstrap=500, random_state=s),
        )
        for s in (7, 7, 8)
    ]
    assert (seeded[0].low, seeded[0].high) == (seeded[1].low, seeded[1].high)
    assert (seeded[0].low, seeded[0].high) != (seeded[2].low, seeded[2].high)


def test_what_cannot_be_measured_is_refused() -> None:
    with pytest.raises(ValueError, match="higher or lower"):
        support_impact(60, 70, *TIGHT, direction="neither")
    with pytest.raises(ValueError, match="before and after"):
        support_impact(60, float("nan"), *TIGHT, direction="higher")
    with pytest.raises(ValueError, match="method"):
        support_impact(60, 70, *TIGHT, direction="higher", settings=ImpactSettings(method="magic"))


def _supports() -> pd.DataFrame:
    columns = [
        "support_id",
        "area",
        "requested_on",
        "matched_on",
        "agreed_on",
        "closed_on",
        "supporter_id",
        "requester_id",
        "days_given",
        "effect",
        "effect_low",
        "effect_high",
    ]
    rows = [
        # matched in 10 days, agreed in 20, closed: clearly better
        (1, "reading", "2024-01-01", "2024-01-11", "2024-01-21", "2024-06-01", 100, 1, 3.0, 5.0, 1.0, 9.0),
        # matched in 4, agreed in 14, closed: unclear
        (2, "maths", "2024-01-01", "2024-01-05", "2024-01-15", "2024-06-01", 101, 2, 2.5, 1.0, -3.0, 5.0),
        # matched in 20, not yet agreed: an effect before it closes does not count
        (3, "reading", "2024-02-01", "2024-02-21", None, None, 100, 3, np.nan, 7.0, 2.0, 12.0),
        # not yet matched
        (4, "send", "2024-03-01", None, None, None, None, 4, 0.0, np.nan, np.nan, np.nan),
        # matched in 6, agreed in 30, closed: clearly worse
        (5, "attendance", "2024-01-01", "2024-01-07", "2024-01-31", "2024-07-01", 102, 5, 4.0, -6.0, -10.0, -2.0),
        # matched in 2, agreed in 3, closed with no effect measured
        (6, "governance", "2024-01-01", "2024-01-03", "2024-01-04", "2024-05-01", 103, 6, 1.0, np.nan, np.nan, np.nan),
    ]
    return pd.DataFrame(rows, columns=columns)


def test_system_summary_by_hand() -> None:
    summary = system_summary(_supports())
    assert list(summary) == SUMMARY_KEYS
    assert summary == {
        "requests": 6,
        "matched": 5,
        "median_days_to_match": 6.0,  # of 10, 4, 20, 6, 2
        "median_days_to_agree": 17.0,  # of 20, 14, 30, 3
        "closed": 4,
        "days_given": 10.5,  # 3 + 2.5 + 0 + 4 + 1
        "supporters": 4,  # 100, 101, 102, 103
        "closed_with_effect": 3,
        "clearly_better": 1,
        "unclear": 1,
        "clearly_worse": 1,
    }


def test_system_summary_with_nothing_yet() -> None:
    summary = system_summary(_supports().iloc[0:0])
    assert summary["requests"] == 0
    assert summary["median_days_to_match"] is None
    assert summary["median_days_to_agree"] is None
    assert summary["days_given"] == 0
