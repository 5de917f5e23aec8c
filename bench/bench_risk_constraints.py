"""What holding the early warning to the declared directions costs: the planted signal's
figures with the constraints and without, through the product's own path.

    .venv/bin/python bench/bench_risk_constraints.py [schools]
    .venv/bin/python bench/bench_risk_constraints.py --real

In a fresh database of its own, the planted-signal test's set-up (``schools`` generated
schools, default 320, six years, a drift in 20% of them, the planted outcome; see
``tests/earlywarning/test_planted_signal.py``), read by ``load_data``. Then the rolling
temporal backtest twice in the same run, the model held to the declared directions (as
the product runs it) and free, for the automatic choice and for each kind; and the scores as
at the last year with the pushes up that read "raised the risk by being better" (the free
model's, set aside by the scoring; the held model's, which must be none). Prints each
figure held and free, with the ratio held / free.

``--real``: the same comparison on the real check of ``bench_early_warning_real.py``
(Hampshire and Surrey, real public data only; "the next inspection is below Good").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_with_fresh_database

from evenbetter.analytics.risk.model import RiskModel  # pure Python: no Django set-up needed


class Free(RiskModel):
    """The same model left free of the declared directions (``constrain=False``)."""

    def __init__(self, kind: str = "auto", random_state: int = 0, settings: object = None) -> None:
        super().__init__(kind=kind, random_state=random_state, settings=settings, constrain=False)  # type: ignore[arg-type]


def _compare(data: object, outcome: object, learned: list[str] | None, kinds: tuple[str, ...]) -> None:
    """Backtest held and free in this run; print the figures and the ratio held / free."""
    module = sys.modules["evenbetter.analytics.risk.backtest"]

    print(f"{'kind':<9} {'figure':<26} {'held':>7} {'free':>7} {'held/free':>10}")
    for kind in kinds:
        figures = {}
        for label, model_class in (("held", RiskModel), ("free", Free)):
            module.RiskModel = model_class  # type: ignore[attr-defined]
            started = time.perf_counter()
            result = module.backtest(data, outcome, random_state=0, kind=kind)
            seconds = time.perf_counter() - started
            pooled = result.table().loc["model"]
            figures[label] = {
                "ROC AUC, pooled": float(pooled["roc_auc"]),
                "average precision, pooled": float(pooled["average_precision"]),
                "recall in riskiest 10%": float(pooled["recall_at_10"]),
                "recall in riskiest 20%": float(pooled["recall_at_20"]),
                "backtest seconds": seconds,
            }
            if learned:
                folds = result.folds.xs("model", level="ranking")
                figures[label]["ROC AUC, learned periods"] = float(folds.loc[learned, "roc_auc"].mean())
        module.RiskModel = RiskModel  # type: ignore[attr-defined]
        for figure in figures["held"]:
            held, free = figures["held"][figure], figures["free"][figure]
            print(f"{kind:<9} {figure:<26} {held:>7.3f} {free:>7.3f} {held / free if free else float('nan'):>10.3f}")


def real() -> None:
    django_with_fresh_database("risk-constraints-real")
    from evenbetter.analytics.risk.settings import Outcome
    from evenbetter.demo.services import demo_import_indicators, demo_import_register
    from evenbetter.earlywarning.frames import load_data
    from evenbetter.indicators.quality import data_quality_refresh

    demo_import_register()
    demo_import_indicators()
    data_quality_refresh()
    data = load_data()
    assert not data.uses_generated_data, "the real check must not read generated records"
    print("Real check (Hampshire and Surrey): the next inspection is below Good.")
    _compare(data.risk, Outcome(kind="inspection_below", grade=2), None, ("auto", "logistic", "boosting"))


def main(n: int) -> None:
    django_with_fresh_database("risk-constraints")
    import evenbetter.analytics.risk.backtest  # noqa: F401  (the module, for the free run below)
    from evenbetter.analytics.risk.scoring import NO_WORSE_THAN_TYPICAL, score
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

    module = sys.modules["evenbetter.analytics.risk.backtest"]
    years = ("2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
    simulation = SimulationSettings(seed=7, periods=years, earliest_onset_index=2, drift_share=0.2)
    outcome = Outcome(kind=INDICATOR_FALL, indicator=PLANTED_OUTCOME.code, fall=4, direction="higher")
    generated_schools_in_clusters(n, label="Planted", latitudes=(50.5, 52.5), longitudes=(-2.0, 0.0))
    records = local_records_generate(settings=simulation)
    partnership_life_refresh()
    planted_outcome_record(records=records, seed=8)
    data = load_data().risk
    learned = ["2018/19", "2019/20"]  # the periods whose models were trained on planted falls

    print(f"Planted signal through the product's path: {n} schools, {len(records.drift)} drifting, six years.")
    print(f"{'kind':<9} {'figure':<26} {'held':>7} {'free':>7} {'held/free':>10}")
    for kind in ("auto", "logistic", "boosting"):
        figures = {}
        for label, model_class in (("held", RiskModel), ("free", Free)):
            module.RiskModel = model_class  # type: ignore[attr-defined]
            started = time.perf_counter()
            result = module.backtest(data, outcome, random_state=0, kind=kind)
            seconds = time.perf_counter() - started
            folds = result.folds.xs("model", level="ranking")
            pooled = result.table().loc["model"]
            figures[label] = {
                "ROC AUC, learned periods": float(folds.loc[learned, "roc_auc"].mean()),
                "ROC AUC, pooled": float(pooled["roc_auc"]),
                "average precision, pooled": float(pooled["average_precision"]),
                "recall in riskiest 20%": float(pooled["recall_at_20"]),
                "backtest seconds": seconds,
            }
        module.RiskModel = RiskModel  # type: ignore[attr-defined]
        for figure in figures["held"]:
            held, free = figures["held"][figure], figures["free"][figure]
            print(f"{kind:<9} {figure:<26} {held:>7.3f} {free:>7.3f} {held / free if free else float('nan'):>10.3f}")
        held_scores = score(data, outcome, as_of=years[-1], model=RiskModel(kind=kind))
        free_scores = score(data, outcome, as_of=years[-1], model=Free(kind=kind))
        counts = [
            int((scores.reasons["left_out"] == NO_WORSE_THAN_TYPICAL).sum()) for scores in (held_scores, free_scores)
        ]
        print(f"{kind:<9} {'better-than-typical pushes':<26} {counts[0]:>7} {counts[1]:>7}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--real"]:
        real()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 320)
