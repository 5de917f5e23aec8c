"""Practice tried by several schools: their differences from their families, pooled by
inverse variance, checked against a hand calculation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evenbetter.analytics.impact import BETTER, TOO_FEW, UNCLEAR, WORSE, pooled_impact, support_impact

# Student's t, 95th percentile, 4 degrees of freedom (a 90% two-sided interval).
T_95_4DF = 2.1318467863266495


def _family(changes: list[float], start: int = 1) -> tuple[pd.Series, pd.Series]:
    index = range(start, start + len(changes))
    return pd.Series([10.0] * len(changes), index=index), pd.Series([10.0 + c for c in changes], index=index)


def test_two_schools_pooled_by_hand() -> None:
    # School one rose 6 against a family that rose 1, 2, 3, 1, 2, 3: effect 4, s² = 4/5,
    # chance variance 4/5 × (1 + 1/6) = 14/15, weight 15/14.
    one = support_impact(0.0, 6.0, *_family([1, 2, 3, 1, 2, 3]), direction="higher")
    # School two rose 3 against a family that rose 0, 1, 2, 3, 4: effect 1, s² = 10/4,
    # chance variance 5/2 × (1 + 1/5) = 3, weight 1/3.
    two = support_impact(0.0, 3.0, *_family([0, 1, 2, 3, 4], start=20), direction="higher")
    assert one.noise_sd**2 == pytest.approx(14 / 15) and two.noise_sd**2 == pytest.approx(3.0)
    pooled = pooled_impact([one, two])
    assert pooled is not None
    # (15/14 × 4 + 1/3 × 1) / (15/14 + 1/3) = 194/59; standard error √(42/59); t with the
    # fewer comparison schools (5): 4 degrees of freedom.
    assert pooled.effect == pytest.approx(194 / 59)
    assert pooled.standard_error == pytest.approx(math.sqrt(42 / 59))
    half = T_95_4DF * math.sqrt(42 / 59)
    assert (pooled.low, pooled.high) == (pytest.approx(194 / 59 - half), pytest.approx(194 / 59 + half))
    assert pooled.schools == 2 and pooled.verdict == BETTER
    assert pooled.strength == pytest.approx((194 / 59) / math.sqrt(42 / 59))
    words = pooled.describe("Reading progress", tried=3)
    assert "across 2 schools of the 3 that tried it" in words and "3.3 better" in words and "not proof" in words


def test_one_school_pooled_is_its_own_interval() -> None:
    own = support_impact(0.0, 6.0, *_family([1, 2, 3, 1, 2, 3]), direction="higher")
    pooled = pooled_impact([own])
    assert pooled is not None
    assert (pooled.effect, pooled.low, pooled.high) == (
        pytest.approx(own.effect),
        pytest.approx(own.low),
        pytest.approx(own.high),
    )
    assert pooled.verdict == own.verdict


def test_lower_is_better_pools_the_turned_effects() -> None:
    # Absence fell by 3 at each school while their families' stayed put: better, both times.
    families = [_family([-1, 0, 1, 0, 0]), _family([-1, 1, 0, 0, 0], start=10)]
    estimates = [support_impact(10.0, 7.0, *family, direction="lower") for family in families]
    pooled = pooled_impact(estimates)
    assert pooled is not None and pooled.effect == pytest.approx(3.0) and pooled.verdict == BETTER


def test_schools_that_cannot_be_judged_are_left_out_and_none_leaves_nothing() -> None:
    judged = support_impact(0.0, 6.0, *_family([1, 2, 3, 1, 2, 3]), direction="higher")
    too_few = support_impact(0.0, -40.0, *_family([1, 2, 3]), direction="higher")
    assert too_few.verdict == TOO_FEW
    pooled = pooled_impact([judged, too_few])
    assert pooled is not None and pooled.schools == 1 and pooled.effect == pytest.approx(judged.effect)
    assert pooled_impact([too_few]) is None
    assert pooled_impact([]) is None


def test_an_interval_across_zero_is_unclear_and_below_it_worse() -> None:
    up = support_impact(0.0, 4.0, *_family([0, 1, 2, 3, 4]), direction="higher")  # +2
    down = support_impact(0.0, 0.0, *_family([0, 1, 2, 3, 4], start=10), direction="higher")  # -2
    pooled = pooled_impact([up, down])
    assert pooled is not None and pooled.effect == pytest.approx(0.0) and pooled.verdict == UNCLEAR
    assert "cannot be told from no effect" in pooled.describe("Maths progress")
    worse = [
        support_impact(0.0, -8.0, *_family([-1, 0, 1, 0, 0], start=start), direction="higher") for start in (1, 10)
    ]
    assert pooled_impact(worse).verdict == WORSE  # type: ignore[union-attr]
