"""The early warning at national scale, on generated data: backtest and scoring times.

    .venv/bin/python bench/bench_early_warning.py [schools] [periods]

Generates (seeded) 25,000 schools × 10 academic years of leading indicators with
``evenbetter.analytics.simulator`` (a planted drift in 15% of schools), plus an outcome
indicator that falls after the drift, then times:

- the rolling temporal backtest (``risk.backtest``: every outcome year trained on the
  years before it, the model chosen by internal cross-validation, calibrated, beside its
  baselines) — target under 2 minutes;
- scoring every school as at the last year (``risk.score``: fit on everything known, then
  score, with each school's reasons) — target under 5 s;
- the triggers for every school as at the last year (``triggers.evaluate_triggers``).

Baseline in the same run: one plain scikit-learn ``LogisticRegression`` fitted and used to
predict on the same final-year matrix (imputed and scaled), the least any model costs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evenbetter.analytics.risk import Outcome, RiskData, backtest, build_examples, score  # noqa: E402
from evenbetter.analytics.simulator import PLANTED_DIRECTIONS, planted_risk_data  # noqa: E402
from evenbetter.vocabulary.periods import academic_year  # noqa: E402


def generated(n: int, years: int) -> RiskData:
    periods = tuple(academic_year(year) for year in range(2010, 2010 + years))
    data, _ = planted_risk_data(n, periods, seed=7, earliest_onset_index=1)
    return data


def main(n: int, years: int) -> None:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from evenbetter.analytics.triggers import TriggerData, evaluate_triggers

    started = time.perf_counter()
    data = generated(n, years)
    periods = sorted(data.observations["period"].unique())
    print(
        f"generated {n:,} schools × {years} years: {len(data.observations):,} values in {time.perf_counter() - started:.1f} s"
    )
    outcome = Outcome(kind="indicator_fall", indicator="attainment", fall=4, direction="higher")

    started = time.perf_counter()
    result = backtest(data, outcome, random_state=0)
    backtest_seconds = time.perf_counter() - started
    table = result.table()
    print(f"backtest: {backtest_seconds:.1f} s ({result.method})")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))

    started = time.perf_counter()
    scores = score(data, outcome, as_of=periods[-1], random_state=0)
    fit_and_score = time.perf_counter() - started
    print(
        f"fit on {scores.training_examples:,} examples and score all {len(scores.table):,} schools "
        f"as at {periods[-1]}: {fit_and_score:.1f} s"
    )
    # Scoring alone, with the fitted model: what a new run of the watch list costs once trained.
    current = build_examples(data, outcome, as_of=periods[-1])
    started = time.perf_counter()
    scores.model.predict_proba(current.X)
    scores.model.contributions(current.X)
    score_seconds = time.perf_counter() - started
    print(
        f"score all {len(current.X):,} schools with the fitted model (risk and every contribution): {score_seconds:.1f} s"
    )

    started = time.perf_counter()
    evaluate_triggers(TriggerData(observations=data.observations, directions=PLANTED_DIRECTIONS), periods[-1])
    print(f"triggers for every school as at {periods[-1]}: {time.perf_counter() - started:.1f} s")

    examples = build_examples(data, outcome, as_of=periods[-2], outcome_period=periods[-1])
    X, y = examples.X, examples.y.dropna()
    X = X.loc[y.index]
    started = time.perf_counter()
    plain = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=1000))
    plain.fit(X, y)
    plain.predict_proba(examples.X)
    baseline = time.perf_counter() - started
    print(f"baseline: one plain logistic regression on {len(X):,} rows × {X.shape[1]} features: {baseline:.2f} s")
    print(
        f"ratios: score / baseline {score_seconds / baseline:.0f}x; backtest / baseline {backtest_seconds / baseline:.0f}x"
    )
    print(
        f"targets: backtest under 120 s — {'met' if backtest_seconds < 120 else 'NOT met'}; "
        f"scoring under 5 s — {'met' if score_seconds < 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25_000, int(sys.argv[2]) if len(sys.argv) > 2 else 10)
