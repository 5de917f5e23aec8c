"""Honest baselines and the national bench's arithmetic, on hand-made data where the answer
is known (pure, no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.risk.backtest import Backtest, backtest
from evenbetter.analytics.risk.examples import build_examples
from evenbetter.analytics.risk.metrics import (
    _rows_metrics,
    best_baseline,
    best_recall_at,
    calibration_table,
    ranking_metrics,
    recall_at,
)
from evenbetter.analytics.risk.settings import BASELINES, Outcome, RiskData

PERIODS = ("2015/16", "2016/17", "2017/18")
FALL = Outcome(kind="indicator_fall", indicator="reading", fall=4, label="Reading")


def _falls(where: str, n: int = 40) -> RiskData:
    """Reading scores spread from 10 to 400; every year the top quarter (``where="top"``) or
    the bottom quarter (``"bottom"``) falls by 5, the rest move by less than 1."""
    rng = np.random.default_rng(3)
    base = np.linspace(10.0, 400.0, n)
    fallers = base >= np.quantile(base, 0.75) if where == "top" else base <= np.quantile(base, 0.25)
    rows = []
    for k, period in enumerate(PERIODS):
        values = base - np.where(fallers, 5.0 * k, 0.0) + rng.uniform(-0.4, 0.4, n)
        rows += [(school, "reading", period, value) for school, value in zip(range(1, n + 1), values, strict=True)]
    observations = pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"])
    return RiskData(observations=observations, directions={"reading": "higher"})


@pytest.mark.parametrize(
    ("where", "right", "backwards"),
    [("top", "best_current", "worst_current"), ("bottom", "worst_current", "best_current")],
)
def test_fall_baselines_in_both_directions(where: str, right: str, backwards: str) -> None:
    data = _falls(where)
    examples = build_examples(data, FALL, as_of="2016/17")
    y = examples.y.to_numpy(dtype=float)
    assert y.sum() == 10
    # Ranked the right way the ten fallers come first; the other way they come last.
    assert ranking_metrics(y, examples.baselines[right])["roc_auc"] == 1.0
    assert ranking_metrics(y, examples.baselines[backwards])["roc_auc"] == 0.0

    result = backtest(data, FALL, kind="logistic", random_state=0)
    table = result.table()
    assert table.loc[right, "roc_auc"] == 1.0 and table.loc[backwards, "roc_auc"] == 0.0
    # The model is compared with the better of the two, and the report (the CLI's and the
    # page's) says which it was and that a fall has two directions.
    assert result.best_baseline() == right
    report = result.report()
    assert f"Best baseline: {right}" in report
    assert "compared with whichever of the two is better" in report


def test_the_best_baseline_is_never_the_model_random_or_a_perfect_ranking() -> None:
    table = pd.DataFrame(
        {"roc_auc": [0.9, 0.5, 0.6, 0.55, 0.7, 1.0]},
        index=["model", "random", "random_shuffle", "worst_current", "worst_results", "best_possible"],
    )
    assert best_baseline(table) == "worst_results"
    assert best_baseline(table.loc[["model", "random"]]) is None


def _hand_made_table() -> pd.DataFrame:
    """20 schools inspected, 8 of them below Good (prevalence 40%), and the model's ranking:
    ranks 1 and 2 hold one of them, ranks 3 and 4 two more."""
    y = np.array([1, 0, 1, 1] + [0] * 6 + [1] * 5 + [0] * 5, dtype=float)
    ranking = np.arange(20, 0, -1, dtype=float)  # the first row is the riskiest
    frame = pd.DataFrame(
        {
            "y": y,
            "ranking": ranking,
            "risk": np.linspace(0.8, 0.2, 20),
            "random_shuffle": np.random.default_rng(0).random(20),
        }
    )
    for name in BASELINES:
        frame[name] = np.nan
    frame["worst_current"] = -ranking  # exactly backwards
    return frame


def test_the_national_bench_arithmetic_by_hand() -> None:
    rows = _hand_made_table()
    y, ranking = rows["y"].to_numpy(), rows["ranking"].to_numpy()
    # The riskiest 10% is 2 schools: one of the 8 below Good; at most 2 of 8 could be there.
    assert recall_at(y, ranking, 0.1) == pytest.approx(1 / 8)
    assert best_recall_at(y, 0.1) == pytest.approx(2 / 8)
    # The riskiest 20% is 4 schools: three of the 8; at most 4 of 8.
    assert recall_at(y, ranking, 0.2) == pytest.approx(3 / 8)
    assert best_recall_at(y, 0.2) == pytest.approx(4 / 8)
    # With fewer below Good than places, every one of them can be found.
    assert best_recall_at([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.2) == 1.0

    table = _rows_metrics(rows)
    assert table.loc["model", "recall_at_10"] == pytest.approx(1 / 8)
    assert table.loc["model", "recall_at_20"] == pytest.approx(3 / 8)
    assert table.loc["best_possible", "recall_at_10"] == pytest.approx(2 / 8)
    assert table.loc["best_possible", "recall_at_20"] == pytest.approx(4 / 8)
    assert table.loc["best_possible", "roc_auc"] == 1.0
    # Backwards: the 4 riskiest by that ranking are the last 4 rows, none below Good.
    assert table.loc["worst_current", "recall_at_20"] == 0.0
    # A baseline with nothing to rank by has no figures rather than made-up ones.
    assert np.isnan(table.loc["worst_results", "roc_auc"])
    assert table.loc["model", "n"] == 20 and table.loc["model", "positives"] == 8
    assert table.loc["random", "recall_at_20"] == pytest.approx(0.2)


def test_calibration_by_decile_by_hand() -> None:
    rows = _hand_made_table()
    table = calibration_table(rows["y"], rows["risk"], bins=10)
    assert table.index.tolist() == list(range(1, 11))
    assert table["n"].tolist() == [2] * 10
    # Decile 10 holds the two riskiest rows (risk 0.8 and about 0.77), one of them below Good.
    assert table.loc[10, "mean_risk"] == pytest.approx((0.8 + 0.8 - 0.6 / 19) / 2)
    assert table.loc[10, "observed"] == 0.5 and table.loc[10, "positives"] == 1
    assert table["positives"].sum() == 8
    assert calibration_table([], []).empty


def test_fairness_by_phase_and_region_by_hand() -> None:
    rows = _hand_made_table().assign(
        fold="2018/19", school_id=range(1, 21), as_of="2017/18", outcome_period="2018/19", log_odds=0.0
    )
    context = pd.DataFrame(
        {"fsm": np.linspace(5, 50, 20), "phase": ["Primary"] * 10 + ["Secondary"] * 10}, index=range(1, 21)
    )
    result = Backtest(
        outcome=Outcome(kind="inspection_below"),
        method="temporal",
        predictions=rows,
        folds=pd.DataFrame(),
        chosen_kinds={"2018/19": "logistic"},
        fsm=context["fsm"],
        context=context,
    )
    phase = result.by_group("phase")
    assert phase["n"].tolist() == [10, 10] and phase["positives"].tolist() == [3, 5]
    # The riskiest 20% (the first 4 rows) are all primary schools: 3 of its 3 below Good are found.
    assert phase.loc["Primary", "share_of_riskiest_20"] == 1.0
    assert phase.loc["Primary", "recall_at_20"] == 1.0 and phase.loc["Secondary", "recall_at_20"] == 0.0
    # No region in the context: an empty table, and the report leaves it out.
    assert result.by_group("region").empty
    assert "By phase:" in result.report() and "By region:" not in result.report()
