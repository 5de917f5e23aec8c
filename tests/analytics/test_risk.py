"""The early-warning risk model: outcomes and examples by hand, no leakage from the future,
exact explanations, honest backtests beside baselines, and a signal planted in indicator
values recovered. (The same through the product, from simulated records written to the
database and measured as real ones: tests/earlywarning/test_planted_signal.py.)"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV

from evenbetter.analytics.risk import model as risk_model
from evenbetter.analytics.risk.backtest import Backtest, backtest
from evenbetter.analytics.risk.examples import _position, build_examples
from evenbetter.analytics.risk.metrics import random_expectation, ranking_metrics, recall_at
from evenbetter.analytics.risk.model import RiskModel
from evenbetter.analytics.risk.scoring import score
from evenbetter.analytics.risk.settings import CROSS_VALIDATION, RANKINGS, TEMPORAL, Outcome, RiskData, RiskSettings

SIX_YEARS = ("2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
# Leading indicators: how far a drifting school at full severity moves from its own level,
# and which way is better. The rest of the values are noise.
LEADING_SHIFTS = {"peers": -5.0, "board_meetings": -3.0, "vacancies": 2.5, "trust": -18.0}
LEADING_SPREADS = {"peers": 2.0, "board_meetings": 1.2, "vacancies": 1.0, "trust": 6.0}
LEADING = tuple(LEADING_SHIFTS)
DIRECTIONS = {
    "peers": "higher",
    "board_meetings": "higher",
    "vacancies": "lower",
    "trust": "higher",
    "noise_a": "higher",
    "noise_b": "lower",
    "attainment": "higher",
}
# Drifting schools' attainment falls by about 8 points; steady schools' moves by noise of
# 1.5 a year, so a fall of 4 is rarely noise.
ATTAINMENT_FALL = Outcome(kind="indicator_fall", indicator="attainment", fall=4, label="Attainment")


# --- planted signal: indicator values with a known story ----------------------------------


def _planted(n: int = 1000, seed: int = 7) -> tuple[RiskData, pd.DataFrame]:
    """Indicator values made directly (the model's inputs, not records to be measured):
    15% of schools drift from an onset year, their leading indicators move at once and
    their attainment falls by about 8 a year or two later; everyone else varies around
    their own level. An FSM share unrelated to the drift. Returns the data and the drift
    (``school_id``, ``onset_period``)."""
    rng = np.random.default_rng(seed)
    periods = len(SIX_YEARS)
    ids = np.arange(100001, 100001 + n)
    drifts = rng.random(n) < 0.15
    onset = np.where(drifts, rng.integers(0, periods - 1, n), periods)
    lead = rng.integers(1, 3, n)
    severity = rng.uniform(0.6, 1.0, n)
    year = np.arange(periods)[None, :]
    drifting = (year >= onset[:, None]) * severity[:, None]
    values = {}
    for name, shift in LEADING_SHIFTS.items():
        spread = LEADING_SPREADS[name]
        own = rng.normal(0.0, spread, n)[:, None]
        values[name] = 10.0 + own + rng.normal(0.0, spread / 2, (n, periods)) + drifting * shift
    for name in ("noise_a", "noise_b"):
        values[name] = rng.normal(50.0, 10.0, (n, periods))
    fallen = (year >= (onset + lead)[:, None]) & drifts[:, None]
    shift = np.where(fallen, np.minimum(0.0, -8.0 + rng.normal(0.0, 2.0, (n, periods))), 0.0)
    values["attainment"] = rng.normal(65.0, 10.0, n)[:, None] + rng.normal(0.0, 1.5, (n, periods)) + shift
    observations = pd.concat(
        [
            pd.DataFrame(
                {
                    "school_id": np.repeat(ids, periods),
                    "indicator": name,
                    "period": np.tile(SIX_YEARS, n),
                    "value": value.ravel(),
                }
            )
            for name, value in values.items()
        ],
        ignore_index=True,
    )
    context = pd.DataFrame({"school_id": ids, "fsm": rng.uniform(2.0, 50.0, n)})
    drift = pd.DataFrame({"school_id": ids[drifts], "onset_period": [SIX_YEARS[i] for i in onset[drifts]]})
    return RiskData(observations=observations, directions=DIRECTIONS, context=context), drift


@pytest.fixture(scope="module")
def planted() -> tuple[RiskData, pd.DataFrame]:
    return _planted()


@pytest.fixture(scope="module")
def planted_backtest(planted: tuple[RiskData, pd.DataFrame]) -> Backtest:
    data, _ = planted
    return backtest(data, ATTAINMENT_FALL, random_state=0)


def test_backtest_recovers_the_planted_signal_and_beats_the_baselines(planted_backtest: Backtest) -> None:
    result = planted_backtest
    assert result.method == TEMPORAL
    # Outcome periods 2015/16 .. 2019/20; the first only trains.
    assert sorted(result.chosen_kinds) == ["2016/17", "2017/18", "2018/19", "2019/20"]
    table = result.table()
    assert list(table.index) == RANKINGS
    model = table.loc["model"]
    assert model["roc_auc"] > 0.75
    assert model["roc_auc"] > table.loc["random_shuffle", "roc_auc"] + 0.2
    assert model["roc_auc"] > table.loc["worst_current", "roc_auc"] + 0.2
    assert model["roc_auc"] > table.loc["last_outcome", "roc_auc"] + 0.2
    assert model["average_precision"] > 3 * table.loc["random", "average_precision"]
    assert model["recall_at_20"] > 2 * table.loc["random", "recall_at_20"]
    assert model["brier"] < table.loc["random", "brier"]
    # Every ranking is scored on the same test rows.
    assert table["n"].nunique() == 1
    assert table["positives"].nunique() == 1
    # Each fold is measured on its own too.
    assert (result.folds.xs("model", level="ranking")["roc_auc"] > 0.7).all()


def test_random_baseline_is_the_analytic_expectation(planted_backtest: Backtest) -> None:
    table = planted_backtest.table()
    random_row = table.loc["random"]
    prevalence = random_row["positives"] / random_row["n"]
    assert random_row["average_precision"] == pytest.approx(prevalence)
    assert random_row["roc_auc"] == 0.5
    assert random_row["recall_at_10"] == pytest.approx(0.1)
    assert random_row["recall_at_20"] == pytest.approx(0.2)
    assert random_row["brier"] == pytest.approx(prevalence * (1 - prevalence))
    # The seeded shuffle lands near it.
    assert abs(table.loc["random_shuffle", "roc_auc"] - 0.5) < 0.06


def test_calibrated_on_held_out_rows(planted_backtest: Backtest) -> None:
    rows = planted_backtest.predictions
    assert rows["y"].notna().all()
    bins = pd.qcut(rows["risk"].rank(method="first"), 5, labels=False)
    by_bin = rows.groupby(bins).agg(predicted=("risk", "mean"), observed=("y", "mean"))
    assert ((by_bin["predicted"] - by_bin["observed"]).abs() < 0.1).all(), by_bin
    prevalence = rows["y"].mean()
    brier = float(((rows["risk"] - rows["y"]) ** 2).mean())
    assert brier < prevalence * (1 - prevalence)


def test_fairness_by_fsm_quintile_adds_up(planted_backtest: Backtest) -> None:
    fairness = planted_backtest.by_fsm_quintile()
    assert list(fairness.index) == [1, 2, 3, 4, 5]
    rows = planted_backtest.predictions
    assert fairness["n"].sum() == len(rows)
    assert fairness["positives"].sum() == rows["y"].sum()
    assert fairness["share_of_riskiest_20"].sum() == pytest.approx(1.0)
    # FSM is unrelated to drift here: no quintile takes much more than its fifth of the watch list.
    assert (fairness["share_of_riskiest_20"] < 0.35).all()
    caught = (fairness["recall_at_20"] * fairness["positives"]).sum() / fairness["positives"].sum()
    assert caught == pytest.approx(planted_backtest.table().loc["model", "recall_at_20"])


def test_report_shows_method_tables_and_the_published_anchor(planted_backtest: Backtest) -> None:
    report = planted_backtest.report()
    assert "Method: temporal" in report
    assert "Attainment falls by 4 or more by the next period" in report
    assert "worst_current" in report and "last_outcome" in report
    assert "By FSM quintile" in report
    assert "65%" in report and "85%" in report and "Behavioural Insights Team" in report


def test_top_reasons_for_drifting_schools_name_the_planted_leading_indicators(
    planted: tuple[RiskData, pd.DataFrame],
) -> None:
    data, drift = planted
    as_of = "2018/19"
    scores = score(data, ATTAINMENT_FALL, as_of=as_of, random_state=0)
    table = scores.table
    assert list(table.columns) == ["school_id", "risk", "rank", "band", "top_reasons"]
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["risk"].is_monotonic_decreasing
    assert (table["band"] == "high").sum() == 100 and (table["band"] == "raised").sum() == 100
    drifting = set(drift.loc[drift["onset_period"] <= as_of, "school_id"])
    high = table[table["band"] == "high"]
    assert high["school_id"].isin(drifting).mean() > 0.75
    drifting_high = high[high["school_id"].isin(drifting)]
    sources = [feature.split(":", 1)[1] for reasons in drifting_high["top_reasons"] for feature, _, _ in reasons]
    assert sum(source in LEADING for source in sources) / len(sources) > 0.6
    for reasons in drifting_high["top_reasons"]:
        assert 1 <= len(reasons) <= 3
        assert any(feature.split(":", 1)[1] in LEADING for feature, _, _ in reasons)
        contributions = [contribution for _, contribution, _ in reasons]
        assert all(c > 0 for c in contributions) and contributions == sorted(contributions, reverse=True)
        assert all(isinstance(words, str) and words for _, _, words in reasons)
    assert scores.training_periods == ["2015/16", "2016/17", "2017/18", "2018/19"]


# --- leakage: nothing from after as_of ---------------------------------------------------


def _small_data() -> RiskData:
    """Twenty schools over four years with two indicators, inspections and an extra feature."""
    rng = np.random.default_rng(5)
    periods = ["2015/16", "2016/17", "2017/18", "2018/19"]
    rows = []
    for school in range(1, 21):
        for period in periods:
            rows.append((school, "reading", period, float(rng.normal(70, 5))))
            rows.append((school, "absence", period, float(rng.normal(5, 1))))
    observations = pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"])
    inspections = pd.DataFrame(
        {
            "school_id": np.r_[np.arange(1, 21), np.arange(1, 21)],
            "period": ["2014/15"] * 20 + ["2017/18"] * 20,
            "grade": np.r_[rng.integers(1, 4, 20), rng.integers(1, 5, 20)],
        }
    )
    extra = pd.DataFrame(
        {
            "school_id": np.tile(np.arange(1, 21), 4),
            "period": np.repeat(periods, 20),
            "feature": "trigger_isolated",
            "value": rng.integers(0, 2, 80).astype(float),
        }
    )
    return RiskData(
        observations=observations,
        directions={"reading": "higher", "absence": "lower"},
        inspections=inspections,
        extra_features=extra,
    )


def test_features_do_not_change_when_the_future_does() -> None:
    data = _small_data()
    outcome = Outcome(kind="indicator_fall", indicator="reading", fall=2)
    as_of = "2016/17"
    before = build_examples(data, outcome, as_of=as_of)
    assert before.outcome_period == "2017/18"
    assert {"level:reading", "change:reading", "level:absence", "inspection:grade", "extra:trigger_isolated"} <= set(
        before.X.columns
    )

    future = data.observations["period"] > as_of
    observations = data.observations.copy()
    observations.loc[future, "value"] = 1e9
    sentinel = 12345.678
    observations.loc[
        future & (observations["indicator"] == "reading") & (observations["period"] == "2017/18"), "value"
    ] = sentinel
    # A new indicator every school has, and a new school, both only in the future.
    newcomers = pd.DataFrame(
        {
            "school_id": [*range(1, 21), 99],
            "indicator": ["future_only"] * 20 + ["reading"],
            "period": "2017/18",
            "value": 1.0,
        }
    )
    inspections = data.inspections.copy()
    assert inspections is not None and data.extra_features is not None
    inspections.loc[inspections["period"] > as_of, "grade"] = 4
    extra = data.extra_features.copy()
    extra.loc[extra["period"] > as_of, "value"] = 1e9
    changed = RiskData(
        observations=pd.concat([observations, newcomers], ignore_index=True),
        directions={**data.directions, "future_only": "higher"},
        inspections=inspections,
        extra_features=extra,
    )
    after = build_examples(changed, outcome, as_of=as_of)

    pd.testing.assert_frame_equal(before.X, after.X)
    pd.testing.assert_frame_equal(before.feature_info, after.feature_info)
    pd.testing.assert_frame_equal(before.baselines, after.baselines)
    assert not (after.X.to_numpy() == sentinel).any()
    assert not np.isin(after.X.to_numpy(), [1e9]).any()
    # The outcome does read the future, and only the outcome.
    assert after.y.notna().all() and (after.y == 0).all()


def test_backtest_predictions_do_not_change_when_the_test_period_does(
    planted: tuple[RiskData, pd.DataFrame],
) -> None:
    data, _ = planted
    periods = ["2016/17", "2017/18"]
    first = backtest(data, ATTAINMENT_FALL, periods=periods, kind="logistic")
    observations = data.observations.copy()
    leading_now = (observations["indicator"] != "attainment") & (observations["period"] >= "2017/18")
    outcome_later = (observations["indicator"] == "attainment") & (observations["period"] > "2017/18")
    rng = np.random.default_rng(0)
    observations.loc[leading_now | outcome_later, "value"] = rng.normal(
        1e6, 1e5, int((leading_now | outcome_later).sum())
    )
    second = backtest(
        RiskData(observations=observations, directions=data.directions, context=data.context),
        ATTAINMENT_FALL,
        periods=periods,
        kind="logistic",
    )
    assert list(first.chosen_kinds) == ["2017/18"]
    pd.testing.assert_frame_equal(first.predictions, second.predictions)


# --- outcomes by hand --------------------------------------------------------------------


def test_indicator_fall_by_hand() -> None:
    rows = [
        # school, indicator, period, value
        (1, "reading", "2016/17", 65.6),
        (1, "reading", "2017/18", 63.6),  # fell by exactly 2 (1.999999999999993 in floating point): counts
        (2, "reading", "2016/17", 70.0),
        (2, "reading", "2017/18", 69.0),  # fell by 1: does not
        (3, "reading", "2016/17", 70.0),
        (3, "reading", "2017/18", 75.0),  # rose
        (4, "reading", "2016/17", 70.0),  # no later value: unknown
        (5, "absence", "2016/17", 5.0),  # reading only later: no value to fall from, unknown
        (5, "reading", "2017/18", 60.0),
        (6, "reading", "2015/16", 80.0),  # a year old at as_of (max_staleness 1)
        (6, "reading", "2017/18", 77.0),  # fell by 3
        (7, "reading", "2015/16", 72.0),
        (7, "reading", "2016/17", 69.0),  # fell by 3 last year: the last_outcome baseline
        (7, "reading", "2017/18", 69.5),
    ]
    data = RiskData(
        observations=pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"]),
        directions={"reading": "higher", "absence": "lower"},
    )
    # Every feature kept, however few schools have it (school 7 alone has a change).
    everything = RiskSettings(min_coverage=0.0)
    examples = build_examples(
        data, Outcome(kind="indicator_fall", indicator="reading", fall=2), as_of="2016/17", settings=everything
    )
    assert examples.outcome_period == "2017/18"
    assert examples.y.index.tolist() == [1, 2, 3, 4, 5, 6, 7]
    expected = [1.0, 0.0, 0.0, math.nan, math.nan, 1.0, 0.0]
    np.testing.assert_array_equal(examples.y.to_numpy(), expected)
    # Unknown is NaN, never 0.
    assert examples.y.isna().sum() == 2
    # The level is the latest value by as_of; worst_current is it with worse = higher.
    assert examples.X.loc[6, "level:reading"] == 80.0
    assert examples.baselines.loc[1, "worst_current"] == pytest.approx(-65.6)
    assert examples.baselines["last_outcome"].tolist() == [0, 0, 0, 0, 0, 0, 1]
    assert examples.X.loc[7, "change:reading"] == pytest.approx(-3.0)

    # Lower is better: a rise of at least the fall is decline.
    absence = build_examples(
        RiskData(
            observations=pd.DataFrame(
                [
                    (1, "absence", "2016/17", 5.0),
                    (1, "absence", "2017/18", 7.5),  # rose by 2.5: decline
                    (2, "absence", "2016/17", 5.0),
                    (2, "absence", "2017/18", 4.0),
                ],
                columns=["school_id", "indicator", "period", "value"],
            ),
            directions={"absence": "lower"},
        ),
        Outcome(kind="indicator_fall", indicator="absence", fall=2, direction="lower"),
        as_of="2016/17",
    )
    assert absence.y.tolist() == [1.0, 0.0]


def test_indicator_fall_waits_for_the_next_period_with_a_value() -> None:
    rows = [(1, "ks2", "2016/17", 70.0), (1, "ks2", "2018/19", 60.0), (1, "absence", "2017/18", 5.0)]
    data = RiskData(
        observations=pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"]),
        directions={"ks2": "higher", "absence": "lower"},
    )
    examples = build_examples(data, Outcome(kind="indicator_fall", indicator="ks2", fall=5), as_of="2016/17")
    assert examples.outcome_period == "2018/19"
    assert examples.y.tolist() == [1.0]


def test_inspection_below_by_hand() -> None:
    observations = pd.DataFrame(
        {"school_id": [1, 2, 3, 4, 5], "indicator": "reading", "period": "2016/17", "value": 70.0}
    )
    inspections = pd.DataFrame(
        [
            (1, "2015/16", 2),
            (1, "2017/18", 3),  # next inspection below Good
            (2, "2017/18", 2),  # next is Good ...
            (2, "2018/19", 4),  # ... a later one does not count
            (3, "2016/17", 4),  # inspected at as_of: known then, a feature, not an outcome
            (4, "2018/19", 3),
            (5, "2017/18", 1),
            (5, "2017/18", 3),  # two in one year: the worse counts
        ],
        columns=["school_id", "period", "grade"],
    )
    data = RiskData(observations=observations, directions={"reading": "higher"}, inspections=inspections)
    below_good = Outcome(kind="inspection_below", grade=2)
    examples = build_examples(data, below_good, as_of="2016/17")
    np.testing.assert_array_equal(examples.y.to_numpy(), [1.0, 0.0, math.nan, 1.0, 1.0])
    assert examples.X.loc[3, "inspection:grade"] == 4
    assert examples.X.loc[1, "inspection:years_since"] == 1
    assert examples.baselines.loc[3, "last_outcome"] == 1.0
    assert examples.baselines.loc[1, "worst_current"] == 2.0
    # Within an outcome period: school 4's inspection comes too late.
    bounded = build_examples(data, below_good, as_of="2016/17", outcome_period="2017/18")
    np.testing.assert_array_equal(bounded.y.to_numpy(), [1.0, 0.0, math.nan, math.nan, 1.0])
    below_requires_improvement = build_examples(data, Outcome(kind="inspection_below", grade=3), as_of="2016/17")
    np.testing.assert_array_equal(below_requires_improvement.y.to_numpy(), [0.0, 0.0, math.nan, 0.0, 0.0])


def test_outcomes_describe_themselves_and_refuse_nonsense() -> None:
    assert Outcome(kind="inspection_below").describe() == "the next inspection is below Good"
    assert Outcome(kind="inspection_below", grade=3).describe() == "the next inspection is below Requires improvement"
    reading = Outcome(kind="indicator_fall", indicator="reading_progress", fall=2, label="Reading progress")
    assert reading.describe() == "Reading progress falls by 2 or more by the next period"
    absence = Outcome(kind="indicator_fall", indicator="absence", fall=1.5, direction="lower")
    assert absence.describe() == "absence rises by 1.5 or more by the next period"
    with pytest.raises(ValueError, match="grade"):
        Outcome(kind="inspection_below", grade=4)
    with pytest.raises(ValueError, match="fall"):
        Outcome(kind="indicator_fall", indicator="reading", fall=0)
    with pytest.raises(ValueError, match="neither"):
        Outcome(kind="indicator_fall", indicator="fsm", fall=1, direction="neither")
    with pytest.raises(ValueError, match="unknown outcome"):
        Outcome(kind="results_down")


# --- metrics and baselines by hand -----------------------------------------------------


def test_ranking_metrics_by_hand() -> None:
    y = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    score_ = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    metrics = ranking_metrics(y, score_)
    # The riskiest 10% is one school (a positive): 1 of 2; the riskiest 20% adds a negative.
    assert metrics["recall_at_10"] == 0.5
    assert metrics["recall_at_20"] == 0.5
    # Precision at each positive: 1/1 and 2/3.
    assert metrics["average_precision"] == pytest.approx((1 + 2 / 3) / 2)
    # Of 16 positive-negative pairs, only (3rd, 2nd) is the wrong way round.
    assert metrics["roc_auc"] == pytest.approx(15 / 16)
    assert math.isnan(metrics["brier"])
    assert ranking_metrics(y, score_, probability=[0.5] * 10)["brier"] == pytest.approx(0.25)
    assert recall_at(y, score_, 0.3) == 1.0


def test_ties_at_the_cut_count_as_if_broken_at_random() -> None:
    # last_outcome-style scores: four schools flagged, two of them positive.
    y = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    flagged = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    # One place among four tied: half a positive expected, of two.
    assert recall_at(y, flagged, 0.1) == pytest.approx(0.25)
    assert recall_at(y, flagged, 0.2) == pytest.approx(0.5)
    expected = random_expectation(y)
    assert expected == {
        "roc_auc": 0.5,
        "average_precision": 0.2,
        "brier": pytest.approx(0.16),
        "recall_at_10": 0.1,
        "recall_at_20": 0.2,
        "positives": 2.0,
        "n": 10.0,
    }


# --- the model ----------------------------------------------------------------------------


def _synthetic(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.normal(0, 1, n),
            "b": rng.normal(10, 3, n),
            "c": rng.normal(0, 1, n),
            "constant": 1.0,
            "empty": np.nan,
        },
        index=pd.Index(rng.integers(1, n // 2, n), name="school_id"),
    )
    X.loc[rng.random(n) < 0.2, "b"] = np.nan
    log_odds = -1.5 + 1.5 * X["a"] - 0.4 * (X["b"].fillna(10) - 10) + 0.8 * X["a"] * X["c"]
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(float), index=X.index)
    return X, y


def test_logistic_contributions_sum_exactly_to_the_log_odds() -> None:
    X, y = _synthetic()
    model = RiskModel(kind="logistic", random_state=0).fit(X, y)
    assert model.chosen_kind == "logistic"
    # Constant and empty columns cannot tell schools apart: dropped.
    assert model.feature_names == ["a", "b", "c"]
    contributions = model.contributions(X)
    assert list(contributions.columns) == ["a", "b", "c"]
    np.testing.assert_allclose(contributions.sum(axis=1) + model.base_log_odds, model.log_odds(X), atol=1e-10)
    # A feature with no gaps: its coefficient times its standardised distance from the
    # training median (the typical school, as for the trees).
    pipeline = model.estimator_
    coefficient = pipeline.named_steps["model"].coef_[0][0]
    standardised = (X["a"] - X["a"].median()) / X["a"].std(ddof=0)
    np.testing.assert_allclose(contributions["a"], coefficient * standardised, atol=1e-10)
    assert coefficient > 0
    typical = pd.DataFrame([model.medians_.to_numpy()], columns=model.feature_names)
    assert model.log_odds(typical)[0] == pytest.approx(model.base_log_odds)
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(X), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_boosting_contributions_add_up_within_tolerance() -> None:
    X, y = _synthetic()
    model = RiskModel(kind="boosting", random_state=0).fit(X, y)
    assert model.chosen_kind == "boosting"
    contributions = model.contributions(X)
    np.testing.assert_allclose(contributions.sum(axis=1) + model.base_log_odds, model.log_odds(X), atol=1e-6)
    typical = pd.DataFrame([model.medians_.to_numpy()], columns=model.feature_names)
    assert model.log_odds(typical)[0] == pytest.approx(model.base_log_odds)
    # The planted main effect is the biggest push on average.
    assert contributions.abs().mean().idxmax() == "a"


def test_boosting_occlusion_leaves_out_only_inputs_no_tree_splits_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Occlusion skips an input that no tree splits on (its effect is 0), and, for an input
    some tree splits on, the schools whose value is on the same side of every threshold as the
    median (they go down the same paths either way): the figures are those of setting every
    input to the median for every school, one after the other (to the last bits of a double:
    the reference adds up each row in its own way), and to the last bit those of the same
    model predicting every school again for every input."""
    X, y = _synthetic()
    X = X.assign(**{f"noise_{n}": np.random.default_rng(n).normal(0, 1, len(X)) for n in range(30)})
    # Values at the median itself and inputs with few distinct values (many schools on the
    # median's side of every threshold), with gaps (which may go the other way).
    X = X.assign(
        steps=np.random.default_rng(40).integers(0, 4, len(X)).astype(float),
        rounded=X["a"].round(1).where(np.random.default_rng(41).random(len(X)) > 0.1),
    )
    model = RiskModel(kind="boosting", random_state=0, settings=RiskSettings(boosting_max_iter=20)).fit(X, y)
    matrix = X.reindex(columns=model.feature_names).to_numpy(dtype=float)
    every_input = np.empty_like(matrix)
    with model._threads():
        full = model.estimator_.decision_function(matrix)
        for j, median in enumerate(model.medians_.to_numpy(dtype=float)):
            occluded = matrix.copy()
            occluded[:, j] = median
            every_input[:, j] = full - model.estimator_.decision_function(occluded)
    residual = full - model.base_log_odds - every_input.sum(axis=1)
    size = np.abs(every_input)
    total = size.sum(axis=1, keepdims=True)
    weight = np.where(total > 0, size / np.where(total > 0, total, 1.0), 1.0 / matrix.shape[1])
    contributions = model.contributions(X).to_numpy()
    np.testing.assert_allclose(contributions, every_input + residual[:, None] * weight, rtol=1e-12, atol=1e-12)
    with monkeypatch.context() as patched:
        patched.setattr(risk_model, "_split_thresholds", lambda estimator: None)  # the trees unread: every row
        np.testing.assert_array_equal(contributions, model.contributions(X).to_numpy())
    # Some inputs were left out, and those are exactly the ones that never moved a prediction.
    unused = np.flatnonzero(~np.any(every_input != 0, axis=0))
    assert 0 < len(unused) < matrix.shape[1]


def test_model_takes_missing_and_extra_columns_at_predict_time() -> None:
    X, y = _synthetic()
    model = RiskModel(kind="logistic", random_state=0).fit(X, y)
    without_c = X.drop(columns=["c"]).assign(unseen=5.0)
    with_c_missing = X.assign(c=np.nan)
    np.testing.assert_allclose(model.predict_proba(without_c), model.predict_proba(with_c_missing))
    assert list(model.contributions(without_c).columns) == ["a", "b", "c"]


def test_unknown_outcomes_are_left_out_not_counted_as_zero() -> None:
    X, y = _synthetic()
    unknown = y.copy()
    unknown.iloc[::3] = np.nan
    with_gaps = RiskModel(kind="logistic").fit(X, unknown)
    known = unknown.notna().to_numpy()
    only_known = RiskModel(kind="logistic").fit(X.loc[known], unknown.loc[known])
    np.testing.assert_allclose(with_gaps.predict_proba(X), only_known.predict_proba(X))
    as_zero = RiskModel(kind="logistic").fit(X, unknown.fillna(0))
    assert not np.allclose(with_gaps.predict_proba(X), as_zero.predict_proba(X))


def test_fit_refuses_too_few_positives() -> None:
    X, _ = _synthetic(n=200)
    y = pd.Series(0.0, index=X.index)
    y.iloc[:3] = 1.0
    with pytest.raises(ValueError, match="too few positives: only 3"):
        RiskModel(kind="logistic").fit(X, y)
    y.iloc[3] = 1.0
    assert RiskModel(kind="logistic").fit(X, y).n_positives_ == 4


def test_position_among_similar_schools_by_hand() -> None:
    """Ties share the middle; no value, or alone in a group: no position."""
    values = np.array([1.0, 2.0, 2.0, np.nan, 5.0, 7.0, 3.0])
    groups = np.array([0, 0, 0, 0, 1, 2, 2])
    np.testing.assert_array_equal(_position(values, groups), [0.0, 0.75, 0.75, np.nan, np.nan, 1.0, 0.0])
    assert len(_position(np.array([]), np.array([], dtype=np.int64))) == 0


def test_auto_chooses_by_average_precision_and_can_choose_trees() -> None:
    rng = np.random.default_rng(3)
    n = 1500
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "b": rng.uniform(-1, 1, n)}, index=np.arange(n))
    # Risk only where a and b have the same sign: no straight line can find it.
    y = pd.Series(((X["a"] * X["b"] > 0.1) & (rng.random(n) < 0.8)).astype(float), index=X.index)
    model = RiskModel(kind="auto", random_state=0).fit(X, y)
    assert set(model.cv_average_precision_) == {"logistic", "boosting"}
    assert model.cv_average_precision_["boosting"] > model.cv_average_precision_["logistic"] + 0.2
    assert model.chosen_kind == "boosting"


# --- one outcome period, determinism ---------------------------------------------------


def _inspection_data(n: int = 400, seed: int = 11) -> RiskData:
    """Two years of indicators and one later round of inspections that they predict."""
    rng = np.random.default_rng(seed)
    schools = np.arange(1, n + 1)
    attendance = rng.normal(95, 2, n)
    exclusions = rng.gamma(2.0, 1.5, n)
    rows = []
    for period, drift in (("2016/17", 0.0), ("2017/18", 1.0)):
        noisy = attendance - drift * 0.3 + rng.normal(0, 0.5, n)
        rows.append(pd.DataFrame({"school_id": schools, "indicator": "attendance", "period": period, "value": noisy}))
        rows.append(
            pd.DataFrame(
                {
                    "school_id": schools,
                    "indicator": "exclusions",
                    "period": period,
                    "value": exclusions + rng.normal(0, 0.5, n),
                }
            )
        )
    latent = -(attendance - 95) / 2 + (exclusions - 3) / 2
    below = rng.random(n) < 1 / (1 + np.exp(-(1.8 * latent - 1.0)))
    inspections = pd.concat(
        [
            pd.DataFrame({"school_id": schools, "period": "2014/15", "grade": rng.integers(1, 4, n)}),
            pd.DataFrame({"school_id": schools, "period": "2018/19", "grade": np.where(below, 3, 2)}),
        ],
        ignore_index=True,
    )
    return RiskData(
        observations=pd.concat(rows, ignore_index=True),
        directions={"attendance": "higher", "exclusions": "lower"},
        inspections=inspections,
        context=pd.DataFrame({"school_id": schools, "fsm": rng.uniform(0, 60, n)}),
    )


def test_one_outcome_period_falls_back_to_cross_validation_and_says_so() -> None:
    result = backtest(_inspection_data(), Outcome(kind="inspection_below", grade=2), random_state=0)
    assert result.method == CROSS_VALIDATION == "cross-validation: only one outcome period"
    assert "cross-validation: only one outcome period" in result.report()
    assert list(result.chosen_kinds) == [f"fold {i}" for i in range(1, 6)]
    # Every school with a known outcome is tested exactly once.
    assert result.predictions["school_id"].is_unique and len(result.predictions) == 400
    table = result.table()
    assert table.loc["model", "roc_auc"] > 0.7
    assert table.loc["model", "roc_auc"] > table.loc["worst_current", "roc_auc"] + 0.1


def test_same_seed_same_scores() -> None:
    data = _inspection_data()
    outcome = Outcome(kind="inspection_below", grade=2)
    settings = RiskSettings(cv_folds=3)
    first = score(data, outcome, as_of="2018/19", random_state=4, settings=settings)
    second = score(data, outcome, as_of="2018/19", random_state=4, settings=settings)
    assert first.model.chosen_kind == second.model.chosen_kind
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(first.contributions, second.contributions)
    assert data.inspections is not None
    later = data.inspections[data.inspections["period"] == "2018/19"]
    assert first.training_examples == 400
    assert first.training_positives == int((later["grade"] > 2).sum())


def _interaction(n: int = 1500) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "b": rng.uniform(-1, 1, n)}, index=np.arange(n) // 2)
    y = pd.Series(((X["a"] * X["b"] > 0.1) & (rng.random(n) < 0.8)).astype(float), index=X.index)
    return X, y


@pytest.mark.parametrize(("data", "chosen"), [(_synthetic, "logistic"), (_interaction, "boosting")])
def test_auto_calibrates_from_the_choosers_folds_as_a_calibration_of_its_own_would(data: object, chosen: str) -> None:
    """The choice between the kinds already fits the chosen kind on the calibration's folds:
    the calibration reuses those out-of-fold scores, and gives to the last bit what
    scikit-learn's own cross-validated calibration on those folds gives."""
    X, y = data()  # type: ignore[operator]
    model = RiskModel(kind="auto", random_state=0).fit(X, y)
    assert model.chosen_kind == chosen
    matrix = X.reindex(columns=model.feature_names).to_numpy(dtype=float)
    labels = y.to_numpy(dtype=np.int64)
    settings = RiskSettings()
    splits = risk_model._grouped_splits(labels, X.index.to_numpy(), settings.cv_folds, 0)
    signs = tuple(model.effects_[name] for name in model.feature_names)
    with model._threads():
        own = CalibratedClassifierCV(
            risk_model._estimator(model.chosen_kind, settings, 0, signs),
            method=model.calibration_,
            cv=splits,
            ensemble=False,
        ).fit(matrix, labels)
        expected = own.predict_proba(matrix)
        expected_log_odds = own.calibrated_classifiers_[0].estimator.decision_function(matrix)
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    np.testing.assert_array_equal(model.log_odds(X), expected_log_odds)


def test_inputs_that_are_not_floats_are_read_as_numbers_and_a_value_that_is_not_one_as_missing() -> None:
    """Columns of floats are read as they are; others (whole numbers, text) are converted,
    text that is not a number becoming a gap: the same model and figures as from floats."""
    X, y = _synthetic()
    as_floats = X.assign(b=X["b"].fillna(0.0).round(0), c=X["c"].where(X.index % 7 != 0))
    mixed = as_floats.assign(
        b=as_floats["b"].astype(np.int64),
        c=[("n/a" if np.isnan(value) else str(value)) for value in as_floats["c"]],
    )
    assert mixed["c"].dtype != np.float64 and mixed["b"].dtype == np.int64
    from_floats = RiskModel(kind="boosting", random_state=0, settings=RiskSettings(boosting_max_iter=10)).fit(
        as_floats, y
    )
    from_mixed = RiskModel(kind="boosting", random_state=0, settings=RiskSettings(boosting_max_iter=10)).fit(mixed, y)
    np.testing.assert_array_equal(from_floats.predict_proba(as_floats), from_mixed.predict_proba(mixed))
    np.testing.assert_array_equal(from_floats.contributions(as_floats), from_mixed.contributions(mixed))
