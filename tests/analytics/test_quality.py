"""Data quality measures on small hand-made frames (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.quality import (
    WEIGHTS,
    completeness,
    outliers,
    quality_report,
    robust_z,
    robust_z_within,
    timeliness,
)

START = {"2016/17": 2016, "2017/18": 2017, "2018/19": 2018}


def _obs(rows: list[tuple[int, str, str, float | None, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value", "status"])
    frame["period_start"] = frame["period"].map(START)
    frame["value"] = frame["value"].astype(float)
    return frame


def _schools(n: int, phase: str = "Primary") -> pd.DataFrame:
    return pd.DataFrame({"school_id": range(1, n + 1), "phase": [phase] * n})


def test_robust_z_needs_enough_peers_and_some_spread() -> None:
    assert robust_z(pd.Series([1.0, 2.0, 3.0])).isna().all()
    assert robust_z(pd.Series([5.0] * 8)).isna().all()
    z = robust_z(pd.Series([10.0, 11.0, 12.0, 13.0, 14.0]))
    # median 12, MAD 1 -> scale 1.4826
    assert z.iloc[0] == pytest.approx(-2 / 1.4826)


def test_completeness_counts_what_most_peers_have_and_suppressed_as_present() -> None:
    schools = _schools(4)
    observations = _obs(
        [
            (1, "absence", "2018/19", 4.0, "value"),
            (2, "absence", "2018/19", 5.0, "value"),
            (3, "absence", "2018/19", None, "suppressed"),
            (4, "absence", "2018/19", None, "missing"),
            # Only one school reports this: nobody is expected to have it.
            (1, "rare", "2018/19", 1.0, "value"),
        ]
    )
    result = completeness(observations, schools)
    assert result.to_dict() == {1: 1.0, 2: 1.0, 3: 1.0, 4: 0.0}


def test_timeliness_is_the_share_of_indicators_up_to_the_latest_period() -> None:
    schools = _schools(2)
    observations = _obs(
        [
            (1, "absence", "2018/19", 4.0, "value"),
            (1, "fsm", "2018/19", 20.0, "value"),
            (2, "absence", "2017/18", 5.0, "value"),
            (2, "fsm", "2018/19", 22.0, "value"),
        ]
    )
    assert timeliness(observations, schools).to_dict() == {1: 1.0, 2: 0.5}


def test_a_value_far_from_its_peers_is_an_outlier_and_ordinary_ones_are_not() -> None:
    values = [48.0 + 0.5 * i for i in range(11)] + [95.0]
    observations = _obs([(i + 1, "reading", "2018/19", v, "value") for i, v in enumerate(values)])
    found = outliers(observations, _schools(12))
    assert found["school_id"].tolist() == [12]
    assert found["reason"].iloc[0] == "far from its peers in the same period"


def test_a_jump_from_a_schools_own_last_value_is_an_outlier() -> None:
    rows = []
    for school in range(1, 11):
        rows.append((school, "reading", "2017/18", 40.0 + school * 4, "value"))
        change = 30.0 if school == 10 else float(school % 3) - 1
        rows.append((school, "reading", "2018/19", 40.0 + school * 4 + change, "value"))
    found = outliers(_obs(rows), _schools(10))
    assert found[["school_id", "period"]].values.tolist() == [[10, "2018/19"]]
    assert "jump" in found["reason"].iloc[0]


def test_schools_are_compared_within_their_phase() -> None:
    schools = pd.concat([_schools(8, "Primary"), pd.DataFrame({"school_id": range(9, 17), "phase": ["Secondary"] * 8})])
    rows = [(i, "pupils", "2018/19", 200.0 + i, "value") for i in range(1, 9)]
    rows += [(i, "pupils", "2018/19", 1000.0 + i, "value") for i in range(9, 17)]
    assert outliers(_obs(rows), schools).empty


def test_the_score_weighs_the_four_measures_and_a_school_with_no_data_scores_zero() -> None:
    schools = _schools(3)
    observations = _obs(
        [
            (1, "absence", "2018/19", 4.0, "value"),
            (1, "fsm", "2018/19", 20.0, "value"),
            (2, "absence", "2018/19", 5.0, "value"),
            (2, "fsm", "2018/19", 21.0, "value"),
        ]
    )
    disputed = pd.DataFrame({"school_id": [2]})
    report = quality_report(observations, schools, disputed).per_school.set_index("school_id")
    assert report.loc[1, "score"] == pytest.approx(100.0)
    # School 2 disputes one of its two values: agreement 0.5.
    assert report.loc[2, "agreement"] == 0.5
    assert report.loc[2, "score"] == pytest.approx(100 - WEIGHTS["agreement"] * 50)
    assert report.loc[3, "score"] == 0.0
    assert report.loc[3, "values"] == 0


def test_robust_z_within_groups_is_robust_z_of_each_group() -> None:
    """The vectorised form gives the figures of calling robust_z on each group: groups too small,
    with no spread, with gaps, and ordinary ones."""
    rng = np.random.default_rng(3)
    rows = 3000
    frame = pd.DataFrame(
        {
            "phase": rng.choice(["Primary", "Secondary", ""], rows),
            "indicator": rng.choice([f"i{n}" for n in range(12)], rows),
            "period": rng.choice(["2016/17", "2017/18", "2018/19"], rows),
            "value": rng.normal(50, 10, rows).round(1),
        }
    )
    frame.loc[rng.random(rows) < 0.1, "value"] = np.nan
    frame.loc[frame["indicator"] == "i0", "value"] = 7.0  # no spread
    small = frame[frame["indicator"] == "i1"].index[3:]
    frame = frame.drop(index=small)  # a few peers only
    keys = ["phase", "indicator", "period"]
    expected = frame.groupby(keys)["value"].transform(robust_z)
    got = robust_z_within(frame, "value", keys)
    pd.testing.assert_series_equal(got, expected, check_names=False, check_exact=True)
    assert got.notna().sum() > rows // 2
    # A row with a missing key belongs to no group: no figure, as groupby leaves it out.
    gaps = frame.assign(period=frame["period"].where(rng.random(len(frame)) > 0.05))
    expected = gaps.groupby(keys)["value"].transform(robust_z)
    got = robust_z_within(gaps, "value", keys)
    pd.testing.assert_series_equal(got, expected, check_names=False, check_exact=True)
    assert got[gaps["period"].isna()].isna().all() and got.notna().sum() > rows // 2
