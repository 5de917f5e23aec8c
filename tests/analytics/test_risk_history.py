"""The early warning's inspection-history features, results as published and positions
among similar schools: by hand, and nothing from the future (pure, no database)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.risk.examples import _build, _Frames, build_examples
from evenbetter.analytics.risk.settings import Outcome, RiskData, RiskSettings

BELOW_GOOD = Outcome(kind="inspection_below", grade=2)
EVERYTHING = RiskSettings(min_coverage=0.0)


def _history() -> RiskData:
    inspections = pd.DataFrame(
        [
            # school, period, grade, date
            (1, "2007/08", 4, "2008-06-10"),  # more than ten years before 1 September 2018
            (1, "2012/13", 3, "2013-01-15"),
            (1, "2014/15", 2, "2015-06-30"),
            (1, "2018/19", 2, "2018-11-20"),  # the outcome: the first after as_of, by day ...
            (1, "2018/19", 4, "2019-05-02"),  # ... so this later one does not count
            (2, "2016/17", 1, "2017-02-01"),  # Outstanding: no routine interval
            (2, "2018/19", 3, "2019-01-09"),
            (3, "2017/18", 4, "2018-03-01"),
            (4, "2010/11", 2, None),  # no day known: counted in whole years, as before
            (4, "2018/19", 3, None),
            (4, "2018/19", 1, None),  # two in one year and no days: the worse counts
        ],
        columns=["school_id", "period", "grade", "date"],
    )
    observations = pd.DataFrame(
        [
            # ks2 is published a year after its period: as at 2017/18, 2016/17 is the latest known.
            (1, "ks2", "2015/16", 60.0),
            (1, "ks2", "2016/17", 50.0),
            (1, "ks2", "2017/18", 99.0),
            (2, "ks2", "2016/17", 70.0),
            (2, "ks2", "2017/18", 1.0),
            (3, "ks2", "2016/17", 80.0),
            (3, "ks2", "2017/18", 1.0),
            (4, "ks4", "2016/17", 40.0),
            (5, "ks4", "2016/17", 50.0),
            (6, "ks4", "2016/17", 60.0),
        ],
        columns=["school_id", "indicator", "period", "value"],
    )
    groups = pd.DataFrame({"school_id": [1, 2, 3, 4, 5, 6], "group": ["primary"] * 3 + ["secondary"] * 3})
    return RiskData(
        observations=observations,
        directions={"ks2": "higher", "ks4": "higher"},
        inspections=inspections,
        publication_lags={"ks2": 1, "ks4": 1},
        groups=groups,
    )


def test_history_features_by_hand() -> None:
    examples = build_examples(_history(), BELOW_GOOD, as_of="2017/18", settings=EVERYTHING)
    X = examples.X
    # Features as at the first day after 2017/18: 1 September 2018.
    assert X.loc[1, "inspection:grade"] == 2
    assert X.loc[1, "inspection:years_since"] == pytest.approx(
        (pd.Timestamp("2018-09-01") - pd.Timestamp("2015-06-30")).days / 365.25
    )
    assert X.loc[1, "inspection:previous_grade"] == 3
    assert X.loc[1, "inspection:grade_change"] == -1
    # Ten years back from 1 September 2018: the 2008 inspection is out of the window.
    assert X.loc[1, "inspection:count_10y"] == 2
    assert X.loc[1, "inspection:below_good_10y"] == 1
    assert X.loc[1, "inspection:worst_10y"] == 3
    assert X.loc[1, "inspection:trend_10y"] == -1
    # Good: due about every four years.
    assert X.loc[1, "inspection:due"] == pytest.approx(X.loc[1, "inspection:years_since"] / 4.0)
    # Outstanding: exempt from routine inspection, so never "due"; one inspection, no previous grade.
    assert math.isnan(X.loc[2, "inspection:due"])
    assert math.isnan(X.loc[2, "inspection:previous_grade"])
    assert X.loc[3, "inspection:due"] == pytest.approx(X.loc[3, "inspection:years_since"] / 2.0)
    # No day: whole academic years, as before (2017 - 2010).
    assert X.loc[4, "inspection:years_since"] == 7
    # Schools 5 and 6 were never inspected: no grade, no counts.
    assert math.isnan(X.loc[5, "inspection:grade"]) and math.isnan(X.loc[5, "inspection:count_10y"])

    # The outcome: the first inspection of 2018/19 by day (school 1: Good in November, not the
    # Inadequate of May); without days, the worse of the year (school 4).
    np.testing.assert_array_equal(examples.y.to_numpy(), [0.0, 1.0, math.nan, 1.0, math.nan, math.nan])

    # Results as published: 2016/17's ks2 (the latest known on 1 September 2018), its change on 2015/16.
    assert X.loc[1, "level:ks2"] == 50.0 and X.loc[1, "change:ks2"] == -10.0
    # Position within the school's group: 0 the lowest, 1 the highest.
    assert X.loc[[1, 2, 3], "position:ks2"].tolist() == [0.0, 0.5, 1.0]
    assert X.loc[[4, 5, 6], "position:ks4"].tolist() == [0.0, 0.5, 1.0]

    # Baselines: the latest grade, worst first, then the longest since it; worst results first.
    baselines = examples.baselines
    assert (
        baselines.loc[3, "grade_then_time"] > baselines.loc[1, "grade_then_time"] > baselines.loc[2, "grade_then_time"]
    )
    assert baselines.loc[[1, 2, 3], "worst_results"].tolist() == [1.0, 0.5, 0.0]
    info = examples.feature_info.set_index("feature")
    assert info.loc["inspection:worst_10y", "direction"] == "lower"
    assert info.loc["inspection:due", "direction"] == "neither"
    assert info.loc["position:ks2", "direction"] == "higher"
    assert "published 1 period later" in info.loc["level:ks2", "description"]


def test_history_features_do_not_change_when_the_future_does() -> None:
    data = _history()
    as_of = "2017/18"
    before = build_examples(data, BELOW_GOOD, as_of=as_of, settings=EVERYTHING)
    assert data.inspections is not None and data.groups is not None

    inspections = data.inspections.copy()
    future = inspections["period"] > as_of
    inspections.loc[future, "grade"] = 1
    inspections.loc[future, "date"] = "2019-08-31"
    # A new inspection after as_of for a school that had none, and one more for school 3.
    inspections = pd.concat(
        [
            inspections,
            pd.DataFrame(
                [(5, "2018/19", 4, "2018-09-01"), (3, "2019/20", 4, "2019-10-01")],
                columns=["school_id", "period", "grade", "date"],
            ),
        ],
        ignore_index=True,
    )
    observations = data.observations.copy()
    # Values not yet published on 1 September 2018 (2017/18's results, lag 1) and later ones.
    unpublished = observations["period"] >= as_of
    observations.loc[unpublished, "value"] = 1e9
    observations = pd.concat(
        [observations, pd.DataFrame([(6, "ks2", "2018/19", 5.0)], columns=observations.columns)], ignore_index=True
    )
    # A school's group changed later: positions as at 2017/18 keep the group of then.
    groups = pd.concat(
        [
            data.groups.assign(period="2016/17"),
            pd.DataFrame({"school_id": [1], "group": ["secondary"], "period": ["2018/19"]}),
        ],
        ignore_index=True,
    )
    changed = RiskData(
        observations=observations,
        directions=data.directions,
        inspections=inspections,
        publication_lags=data.publication_lags,
        groups=groups,
    )
    after = build_examples(changed, BELOW_GOOD, as_of=as_of, settings=EVERYTHING)

    new_features = [c for c in before.X.columns if c.startswith(("inspection:", "position:"))]
    assert len(new_features) >= 10
    pd.testing.assert_frame_equal(before.X, after.X)
    pd.testing.assert_frame_equal(before.feature_info, after.feature_info)
    pd.testing.assert_frame_equal(before.baselines, after.baselines)
    assert not np.isin(after.X.to_numpy(), [1e9]).any()
    # Only the outcome read the future: school 2's next inspection became Outstanding.
    assert before.y.loc[2] == 1.0 and after.y.loc[2] == 0.0


def test_a_publication_lag_hides_a_period_until_it_is_published() -> None:
    data = _history()
    published_at_once = RiskData(
        observations=data.observations,
        directions=data.directions,
        inspections=data.inspections,
        groups=data.groups,
    )
    now = build_examples(published_at_once, BELOW_GOOD, as_of="2017/18", settings=EVERYTHING)
    later = build_examples(data, BELOW_GOOD, as_of="2017/18", settings=EVERYTHING)
    assert now.X.loc[1, "level:ks2"] == 99.0
    assert later.X.loc[1, "level:ks2"] == 50.0
    with pytest.raises(ValueError, match="cannot be negative"):
        build_examples(
            RiskData(observations=data.observations, directions=data.directions, publication_lags={"ks2": -1}),
            Outcome(kind="indicator_fall", indicator="ks2", fall=1),
            as_of="2016/17",
        )


def test_examples_of_several_periods_from_one_read_are_those_of_a_fresh_read_and_of_the_long_rows() -> None:
    """The observations are numbered once per run (``_Frames.coded``) and kept for every
    period's examples (a run builds one set per period it learns from): each period's features
    are those of a fresh read of the data, and each level is the school's latest value by then,
    found here by hand from the long rows; a period between the data's periods reads up to it."""
    rng = np.random.default_rng(7)
    periods = ["2013/14", "2014/15", "2015/16", "2017/18", "2018/19"]  # 2016/17 missing
    rows = [
        (school, indicator, period, float(rng.normal(50, 10)))
        for school in range(1, 40)
        for indicator in ("ks2", "absence", "zeta")
        for period in periods
        if rng.random() > 0.25
    ]
    observations = pd.DataFrame(rows[::-1], columns=["school_id", "indicator", "period", "value"])
    data = RiskData(
        observations=observations,
        directions={"ks2": "higher", "absence": "lower"},
        inspections=_history().inspections,
    )
    shared = _Frames.of(data)
    settings = RiskSettings(min_coverage=0.0, max_staleness=1)
    for as_of in ("2018/19", "2014/15", "2016/17", "2017/18", "2013/14"):
        kept = _build(shared, BELOW_GOOD, as_of, None, settings)
        fresh = _build(_Frames.of(data), BELOW_GOOD, as_of, None, settings)
        pd.testing.assert_frame_equal(kept.X, fresh.X)
        pd.testing.assert_frame_equal(kept.feature_info, fresh.feature_info)
        for (school, indicator), values in observations[observations["period"] <= as_of].groupby(
            ["school_id", "indicator"]
        ):
            latest = values.sort_values("period").iloc[-1]
            timeline = shared.timeline(as_of)  # the inspections' periods too
            stale = timeline.index(as_of) - timeline.index(latest["period"]) > settings.max_staleness
            expected = np.nan if stale else latest["value"]
            assert kept.X.loc[school, f"level:{indicator}"] == pytest.approx(expected, nan_ok=True)
