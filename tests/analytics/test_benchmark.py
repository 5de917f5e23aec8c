"""Benchmarks on a hand-made set, checked against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evenbetter.analytics.benchmark import (
    BenchmarkSettings,
    FamilyMatrix,
    _group_codes,
    _group_medians,
    _group_percentiles,
    _wide,
    benchmark_against,
    benchmark_indicator,
    better_share,
    percentiles_among,
)

# Six primaries: 1-4 in locality A, 5-6 in B; 7 is a secondary on its own.
SCHOOLS = pd.DataFrame(
    {
        "school_id": [1, 2, 3, 4, 5, 6, 7],
        "phase": ["Primary"] * 6 + ["Secondary"],
        "locality": ["A", "A", "A", "A", "B", "B", "A"],
    }
)
# Every primary's family is the other five primaries.
MEMBERS = pd.DataFrame(
    [(s, m, r) for s in range(1, 7) for r, m in enumerate([x for x in range(1, 7) if x != s], start=1)],
    columns=["school_id", "member_id", "rank"],
)
FAMILIES = FamilyMatrix.from_members([1, 2, 3, 4, 5, 6, 7], MEMBERS)
VALUES = {1: 60.0, 2: 50.0, 3: 70.0, 4: 40.0, 5: 80.0, 6: 55.0, 7: 10.0}


def _observations(values: dict[int, float], period: str = "2018/19") -> pd.DataFrame:
    return pd.DataFrame({"school_id": list(values), "period": period, "value": list(values.values())})


def _row(frame: pd.DataFrame, school: int, period: str = "2018/19") -> pd.Series:
    return frame[(frame["school_id"] == school) & (frame["period"] == period)].iloc[0]


def test_family_quartiles_percentile_and_target_by_hand() -> None:
    result = benchmark_indicator(_observations(VALUES), SCHOOLS, FAMILIES, direction="higher")
    row = _row(result, 1)
    # Family of school 1: 50, 70, 40, 80, 55 -> sorted 40 50 55 70 80.
    assert row["family_count"] == 5
    assert (row["family_q1"], row["family_median"], row["family_q3"]) == (50.0, 55.0, 70.0)
    assert row["family_percentile"] == pytest.approx(60.0)  # beats 40, 50, 55 of five
    assert (row["target"], row["gap_to_target"]) == (70.0, 10.0)
    # All primaries but itself: the same five; locality A's others: 50, 70, 40 -> beats two of three.
    assert row["all_percentile"] == pytest.approx(60.0)
    assert row["all_count"] == 5
    assert row["local_percentile"] == pytest.approx(200 / 3)
    assert row["local_count"] == 3
    # No fixed standard: the median of all six primaries (40 50 55 60 70 80).
    assert row["standard"] == pytest.approx(57.5)


def test_a_school_above_its_target_has_no_gap_and_the_best_is_100() -> None:
    result = benchmark_indicator(_observations(VALUES), SCHOOLS, FAMILIES, direction="higher")
    best = _row(result, 5)
    assert best["gap_to_target"] == 0.0
    assert best["family_percentile"] == 100.0
    assert best["all_percentile"] == 100.0
    assert _row(result, 4)["family_percentile"] == 0.0


def test_lower_is_better_turns_percentile_and_target_round() -> None:
    result = benchmark_indicator(_observations(VALUES), SCHOOLS, FAMILIES, direction="lower", standard=45.0)
    row = _row(result, 1)
    assert row["family_percentile"] == pytest.approx(40.0)  # lower than 70 and 80 only
    assert (row["target"], row["gap_to_target"]) == (50.0, 10.0)  # the family's lower quartile
    assert row["standard"] == 45.0  # a fixed standard wins over the median
    assert _row(result, 4)["family_percentile"] == 100.0


def test_ties_count_half() -> None:
    values = dict(VALUES) | {6: 60.0}
    row = _row(benchmark_indicator(_observations(values), SCHOOLS, FAMILIES, direction="higher"), 1)
    assert row["family_percentile"] == pytest.approx((2 + 0.5) / 5 * 100)  # beats 40, 50; ties 60


def test_context_has_no_target_and_no_standard() -> None:
    row = _row(benchmark_indicator(_observations(VALUES), SCHOOLS, FAMILIES, direction="neither"), 1)
    assert np.isnan(row["target"]) and np.isnan(row["gap_to_target"]) and np.isnan(row["standard"])
    assert row["family_percentile"] == pytest.approx(60.0)  # share with a lower value


def test_too_few_family_values_give_no_family_figures() -> None:
    values = {1: 60.0, 2: 50.0, 3: 70.0, 7: 10.0}  # only two of school 1's family have a value
    row = _row(benchmark_indicator(_observations(values), SCHOOLS, FAMILIES, direction="higher"), 1)
    assert row["family_count"] == 2
    assert np.isnan(row["family_median"]) and np.isnan(row["family_percentile"]) and np.isnan(row["target"])
    assert row["all_percentile"] == pytest.approx(50.0)  # still ranked among all schools


def test_phases_are_ranked_apart() -> None:
    row = _row(benchmark_indicator(_observations(VALUES), SCHOOLS, FAMILIES, direction="higher"), 7)
    assert row["all_count"] == 0 and np.isnan(row["all_percentile"])
    assert row["family_count"] == 0


def test_multi_year_average_and_small_cohort() -> None:
    earlier = _observations({s: v - 4 for s, v in VALUES.items()}, "2017/18")
    latest = _observations(VALUES).assign(cohort=[8, 30, 30, 30, 30, 30, 30])
    observations = pd.concat([earlier.assign(cohort=30), latest], ignore_index=True)
    result = benchmark_indicator(
        observations, SCHOOLS, FAMILIES, direction="higher", settings=BenchmarkSettings(years=3)
    )
    row = _row(result, 1)
    assert row["average_value"] == pytest.approx(58.0)  # (56 + 60) / 2
    assert row["average_periods"] == 2
    assert bool(row["small_cohort"]) is True
    assert bool(_row(result, 2)["small_cohort"]) is False
    assert _row(result, 1, "2017/18")["average_periods"] == 1


def test_missing_values_are_not_benchmarked_and_do_not_count() -> None:
    values = dict(VALUES) | {3: np.nan}
    result = benchmark_indicator(_observations(values), SCHOOLS, FAMILIES, direction="higher")
    assert 3 not in set(result["school_id"])
    assert _row(result, 1)["family_count"] == 4


def test_a_comparator_set_by_hand() -> None:
    figures = benchmark_against(60.0, np.array([40.0, 50.0, 55.0, 70.0, 80.0, np.nan]), direction="higher")
    assert figures == {"count": 5, "q1": 50.0, "median": 55.0, "q3": 70.0, "percentile": 60.0, "target": 70.0}
    assert benchmark_against(60.0, np.array([1.0, 2.0]), direction="higher")["median"] is None
    assert better_share(60.0, np.array([70.0, 80.0, 50.0]), "lower") == pytest.approx(200 / 3)


def test_percentiles_among_a_group() -> None:
    shares = percentiles_among(np.array([10.0, 20.0, 20.0, 40.0]), "higher")
    assert shares.tolist() == pytest.approx([0.0, 50.0, 50.0, 100.0])  # 20 beats 10, ties the other 20
    assert percentiles_among(np.array([10.0, 40.0]), "lower").tolist() == [100.0, 0.0]


# --- the groups' shares, medians and the wide table, against pandas' own definitions --------------


@given(
    values=st.lists(st.one_of(st.sampled_from([1.0, 2.0, 3.0]), st.floats(-5, 5), st.just(np.nan)), max_size=60),
    data=st.data(),
    direction=st.sampled_from(["higher", "lower", "neither"]),
)
@settings(max_examples=150, deadline=None)
def test_the_shares_in_each_group_are_pandas_ranks_with_ties_averaged(
    values: list[float], data: st.DataObject, direction: str
) -> None:
    """``_group_percentiles`` (one numpy sort for every group) against pandas' groupby rank: the
    school's average rank among its group's known values, less one, over the others."""
    labels = data.draw(st.lists(st.sampled_from(["P", "S", "A|x", None]), min_size=len(values), max_size=len(values)))
    array = np.array(values, dtype=float)
    frame = pd.DataFrame({"value": array if direction != "lower" else -array, "group": labels})
    known = frame[frame["value"].notna() & frame["group"].notna()]
    count = known.groupby("group")["value"].transform("size").reindex(frame.index)
    rank = known.groupby("group")["value"].rank(method="average").reindex(frame.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(count - 1 > 0, 100.0 * (rank - 1) / (count - 1), np.nan)
    shares, others = _group_percentiles(array, _group_codes(np.array(labels, dtype=object)), direction)
    np.testing.assert_array_equal(shares, expected)
    assert others.tolist() == (count - 1).fillna(0).astype(int).tolist()
    medians = _group_medians(array, _group_codes(np.array(labels, dtype=object)))
    expected_medians = pd.Series(array).groupby(pd.Series(labels)).transform("median")
    np.testing.assert_array_equal(medians, expected_medians.to_numpy(dtype=float))


def test_the_wide_table_is_pivot_tables_first_known_value() -> None:
    observations = pd.DataFrame(
        {
            "school_id": [1, 1, 2, 2, 2, 3],
            "period": ["2017/18", "2018/19", "2018/19", "2018/19", "2017/18", "2018/19"],
            "value": [5.0, np.nan, 7.0, 9.0, np.nan, 4.0],  # school 2 twice in 2018/19: the first counts
        }
    )
    ids, periods = np.array([1, 2, 3, 4]), ["2017/18", "2018/19", "2019/20"]
    expected = (
        observations.pivot_table(index="school_id", columns="period", values="value", aggfunc="first", dropna=False)
        .reindex(index=ids, columns=periods)
        .to_numpy(dtype=float)
    )
    wide = _wide(observations, "value", ids, periods)
    np.testing.assert_array_equal(wide, expected)
    assert wide[1].tolist()[1] == 7.0 and np.isnan(wide[3]).all()
