"""Strengths and areas to develop on hand-made benchmarks."""

from __future__ import annotations

import pandas as pd

from evenbetter.analytics.strengths import (
    AREA_TO_DEVELOP,
    STRENGTH,
    STRONG_IN_AREA_COLUMNS,
    describe,
    describe_briefly,
    strengths_and_areas,
    strong_in_areas,
    years_in_quarter,
)

PERIODS = ["2016/17", "2017/18", "2018/19"]


def _benchmarks(rows: dict[tuple[int, str], list[float | None]], small: bool = False) -> pd.DataFrame:
    records = []
    for (school, indicator), percentiles in rows.items():
        for period, percentile in zip(PERIODS, percentiles, strict=True):
            if percentile is not None:
                records.append((school, indicator, period, 50.0, percentile, small))
    return pd.DataFrame(
        records, columns=["school_id", "indicator", "period", "value", "family_percentile", "small_cohort"]
    )


def test_top_quarter_year_after_year_is_a_strength_and_one_good_year_is_not() -> None:
    found = strengths_and_areas(
        _benchmarks(
            {
                (1, "reading"): [80, 90, 85],  # consistent
                (1, "maths"): [20, 30, 95],  # one good year
                (1, "writing"): [10, 15, 5],  # consistently weak
                (1, "science"): [50, 60, 40],  # middling
                (2, "reading"): [None, None, 88],  # only one year held
            }
        )
    )
    school1 = found[found["school_id"] == 1]
    assert set(school1.loc[school1["kind"] == STRENGTH, "indicator"]) == {"reading"}
    assert set(school1.loc[school1["kind"] == AREA_TO_DEVELOP, "indicator"]) == {"writing"}
    reading = school1[school1["indicator"] == "reading"].iloc[0]
    assert (reading["periods_in_quarter"], reading["periods_seen"], reading["consistent"]) == (3, 3, True)
    only = found[found["school_id"] == 2].iloc[0]
    assert (only["kind"], only["consistent"]) == (STRENGTH, False)


def test_two_of_three_years_count_if_the_latest_is_one_of_them() -> None:
    found = strengths_and_areas(_benchmarks({(1, "reading"): [40, 80, 90], (1, "maths"): [80, 90, 40]}))
    assert found["indicator"].tolist() == ["reading"]


def test_plain_words() -> None:
    found = strengths_and_areas(_benchmarks({(1, "reading"): [80, 90, 86], (1, "writing"): [10, 20, 12]}, True))
    strength = found[found["kind"] == STRENGTH].iloc[0]
    text = describe(strength, "Reading progress", "2.3")
    assert text == (
        "Reading progress: in the top quarter of its family in 3 of the last 3 years "
        "(2018/19: 2.3, better than 86% of similar schools). Small cohort: read with care."
    )
    area = found[found["kind"] == AREA_TO_DEVELOP].iloc[0]
    assert "bottom quarter" in describe(area, "Writing", "1.0")
    assert "behind 88% of similar schools" in describe(area, "Writing", "1.0")
    # At a glance, under the heading that names the rule: the figure and where it stands.
    assert describe_briefly(strength, "Reading progress", "2.3") == (
        "Reading progress: 2.3 in 2018/19, better than 86% of similar schools. Small cohort."
    )
    assert (
        describe_briefly(area, "Writing", "1.0")
        == "Writing: 1.0 in 2018/19, behind 88% of similar schools. Small cohort."
    )


def test_nothing_benchmarked_gives_nothing() -> None:
    empty = _benchmarks({(1, "reading"): [None, None, None]})
    assert strengths_and_areas(empty).empty


def test_strong_in_an_area_is_a_strength_in_at_least_one_of_its_indicators() -> None:
    found = strong_in_areas(
        _benchmarks(
            {
                (1, "readprog"): [80, 90, 85],  # a strength: school 1 is strong in reading
                (1, "readexp"): [20, 30, 40],
                (2, "readprog"): [60, 70, 72],  # above the middle everywhere, never top quarter
                (2, "readexp"): [70, 74, 74],
                (3, "readprog"): [20, 30, 95],  # one good year is not a strength
                (3, "matprog"): [90, 90, 90],  # strong in maths, not in reading
            }
        ),
        {"reading": ("readprog", "readexp"), "maths": ("matprog",), "send": ()},
    )
    assert list(found.columns) == STRONG_IN_AREA_COLUMNS
    assert sorted(zip(found["school_id"], found["area"], found["indicator"], strict=True)) == [
        (1, "reading", "readprog"),
        (3, "maths", "matprog"),
    ]
    evidence = found[found["school_id"] == 1].iloc[0]
    assert years_in_quarter(evidence) == "in the top quarter of its family in 3 of the last 3 years"
