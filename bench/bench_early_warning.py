"""The early warning on generated data, through the product's own path: times per stage.

    .venv/bin/python bench/bench_early_warning.py [schools] [periods]

In a fresh database of its own: ``schools`` open schools (default 2,000) in generated
clusters; ``evenbetter.demo.simulator`` makes their local records over ``periods``
academic years (default 8; a planted drift in 15% of schools), written as the demo writes
them (``local_records_generate``) and measured as real records are
(``partnership_life_refresh``), plus the planted outcome (``planted_outcome_record``).
Then, as the product runs them:

- ``load_data``: the database into the risk and trigger frames (every period's triggers);
- the rolling temporal backtest (``risk.backtest.backtest``) — target under 2 minutes;
- fitting and scoring every school as at the last year (``risk.scoring.score``);
- scoring alone with the fitted model — target under 5 s.

Nothing here measures the records itself: the figures are those of the code real records
go through. National scale (25,000 schools) works the same way, with the database stages
taking most of the time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_with_fresh_database


def main(n: int, years: int) -> None:
    django_with_fresh_database("early-warning")
    from evenbetter.analytics.risk.backtest import backtest
    from evenbetter.analytics.risk.examples import build_examples
    from evenbetter.analytics.risk.scoring import score
    from evenbetter.analytics.risk.settings import INDICATOR_FALL, Outcome
    from evenbetter.demo.local_records import (
        PLANTED_OUTCOME,
        generated_schools_in_clusters,
        local_records_generate,
        planted_outcome_record,
    )
    from evenbetter.demo.simulator import SimulationSettings
    from evenbetter.earlywarning.frames import load_data
    from evenbetter.partnerships.indicators import partnership_life_refresh
    from evenbetter.vocabulary.periods import academic_year

    periods = tuple(academic_year(year) for year in range(2010, 2010 + years))
    started = time.perf_counter()
    generated_schools_in_clusters(n, label="Generated", latitudes=(50.5, 54.5), longitudes=(-3.0, 0.0))
    records = local_records_generate(settings=SimulationSettings(seed=7, periods=periods, earliest_onset_index=1))
    planted_outcome_record(records=records, seed=8)
    print(
        f"simulated and wrote {n:,} schools × {years} years ({len(records.contacts):,} contacts, "
        f"{len(records.board_meetings):,} board meetings): {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    partnership_life_refresh()
    print(f"partnership life measured: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    data = load_data()
    print(
        f"load_data: {len(data.risk.observations):,} values and every period's triggers: "
        f"{time.perf_counter() - started:.1f} s"
    )
    outcome = Outcome(kind=INDICATOR_FALL, indicator=PLANTED_OUTCOME.code, fall=4, direction="higher")

    started = time.perf_counter()
    result = backtest(data.risk, outcome, random_state=0)
    backtest_seconds = time.perf_counter() - started
    print(f"backtest: {backtest_seconds:.1f} s ({result.method})")
    print(result.table().to_string(float_format=lambda v: f"{v:.3f}"))
    print(result.folds.xs("model", level="ranking").to_string(float_format=lambda v: f"{v:.3f}"))

    started = time.perf_counter()
    scores = score(data.risk, outcome, as_of=data.periods[-1], random_state=0)
    print(
        f"fit on {scores.training_examples:,} examples and score all {len(scores.table):,} schools "
        f"as at {data.periods[-1]}: {time.perf_counter() - started:.1f} s"
    )
    # Scoring alone, with the fitted model: what a new run of the watch list costs once trained.
    current = build_examples(data.risk, outcome, as_of=data.periods[-1])
    started = time.perf_counter()
    scores.model.predict_proba(current.X)
    scores.model.contributions(current.X)
    score_seconds = time.perf_counter() - started
    print(f"score all {len(current.X):,} schools with the fitted model (risk and contributions): {score_seconds:.1f} s")
    print(
        f"targets: backtest under 120 s — {'met' if backtest_seconds < 120 else 'NOT met'}; "
        f"scoring under 5 s — {'met' if score_seconds < 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000, int(sys.argv[2]) if len(sys.argv) > 2 else 8)
