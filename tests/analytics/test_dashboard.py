"""Dashboard figures against a hand calculation on a small set."""

from __future__ import annotations

import pandas as pd
import pytest

from evenbetter.analytics.dashboard import count_by, gap_by_period, spread_by_period


def _frame(rows: list[tuple[int, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school_id", "period", "value"])


def test_spread_and_the_cohort_weighted_overall_figure() -> None:
    values = _frame([(1, "2018/19", 50.0), (2, "2018/19", 60.0), (3, "2018/19", 70.0), (4, "2018/19", 80.0),
                     (5, "2018/19", None), (1, "2017/18", 40.0)])  # fmt: skip
    cohorts = _frame([(1, "2018/19", 10.0), (2, "2018/19", 30.0), (3, "2018/19", 60.0)])  # school 4: no cohort
    table = spread_by_period(values, cohorts).set_index("period")
    latest = table.loc["2018/19"]
    # By hand: 4 schools (5 has no value); quartiles of 50, 60, 70, 80 by linear
    # interpolation: 57.5, 65, 72.5; weighted by pupils over the schools with a cohort:
    # (50x10 + 60x30 + 70x60) / 100 = 65.
    assert latest["schools"] == 4
    assert (latest["q1"], latest["median"], latest["q3"]) == pytest.approx((57.5, 65.0, 72.5))
    assert latest["overall"] == pytest.approx(65.0) and latest["weighted"]
    # 2017/18: one school, no cohort: the plain mean, said to be unweighted.
    assert table.loc["2017/18", "overall"] == 40.0 and not table.loc["2017/18", "weighted"]
    assert list(table.index) == ["2017/18", "2018/19"]


def test_the_disadvantaged_gap_is_weighted_by_each_group_s_pupils() -> None:
    period = "2018/19"
    d_rate = _frame([(1, period, 40.0), (2, period, 60.0), (3, period, 10.0)])
    d_n = _frame([(1, period, 10.0), (2, period, 30.0)])  # school 3 has no count: left out
    o_rate = _frame([(1, period, 70.0), (2, period, 80.0), (3, period, 90.0)])
    o_n = _frame([(1, period, 50.0), (2, period, 50.0), (3, period, 50.0)])
    row = gap_by_period(d_rate, d_n, o_rate, o_n).iloc[0]
    # Disadvantaged: (40x10 + 60x30) / 40 = 55; others: (70x50 + 80x50) / 100 = 75; gap 20.
    assert row["schools"] == 2
    assert row["disadvantaged"] == pytest.approx(55.0)
    assert row["others"] == pytest.approx(75.0)
    assert row["gap"] == pytest.approx(20.0)


def test_counts_follow_the_order_given_and_keep_the_unknown_apart() -> None:
    grades = pd.Series(["Good", "Outstanding", "Good", None, "", "Requires improvement", "Ungraded"])
    counted = count_by(grades, ["Outstanding", "Good", "Requires improvement", "Inadequate"])
    assert counted == [
        ("Outstanding", 1), ("Good", 2), ("Requires improvement", 1), ("Inadequate", 0), ("Ungraded", 1),
        ("Not known", 2),
    ]  # fmt: skip
    # Any iterable; spaces around a category do not make a new one; NaN and NA are not known.
    assert count_by([" Good ", float("nan"), pd.NA, "Good", "  "], ["Good"]) == [("Good", 2), ("Not known", 3)]
