"""The early warning's real check: Hampshire and Surrey, real public data only.

    .venv/bin/python bench/bench_early_warning_real.py

Builds a fresh database with the real register (April 2022) and the real indicator files
the demo reads — key stage 2 for 2016/17 to 2018/19, the 2018/19 census, absence and
Ofsted ratings — and NO generated partnership records, then backtests the outcome "the
next inspection is below Good" (the register's latest inspections are the outcomes) and
prints the report, with the baselines computed on the same schools. The figures are
recorded in docs/model-card.md.
"""

from __future__ import annotations

import time

from _setup import django_with_fresh_database, peak_rss_mb


def main() -> None:
    django_with_fresh_database("early-warning-real")
    from evenbetter.analytics.risk.backtest import backtest
    from evenbetter.analytics.risk.settings import Outcome
    from evenbetter.demo.services import demo_import_indicators, demo_import_register
    from evenbetter.earlywarning.frames import load_data
    from evenbetter.indicators.models import Inspection, Observation
    from evenbetter.indicators.quality import data_quality_refresh

    started = time.perf_counter()
    demo_import_register()
    demo_import_indicators()
    data_quality_refresh()
    print(
        f"real data loaded in {time.perf_counter() - started:.1f} s: {Observation.objects.count():,} values, "
        f"{Inspection.objects.filter(grade__isnull=False).count():,} inspections with a grade"
    )
    started = time.perf_counter()
    data = load_data()
    assert not data.uses_generated_data, "the real check must not read generated records"
    print(f"data read into frames in {time.perf_counter() - started:.1f} s; periods {', '.join(data.periods)}")
    for grade, words in ((2, "below Good"), (3, "Inadequate")):
        started = time.perf_counter()
        try:
            result = backtest(data.risk, Outcome(kind="inspection_below", grade=grade), random_state=0)
        except ValueError as error:
            print(f"\nOutcome: the next inspection is {words} — cannot backtest: {error}")
            continue
        print(f"\nOutcome: the next inspection is {words} ({time.perf_counter() - started:.1f} s)")
        print(result.report())
    print(f"peak memory {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
