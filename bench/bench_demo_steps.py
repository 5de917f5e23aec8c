"""Where the demo's build spends its time, step by step (the demo is built in `make test`:
once on each database for tests/demo/test_demo_build.py, and once more on SQLite by its
rebuild-twice check), in CPU seconds of this process and as a share of the whole build.

    .venv/bin/python bench/bench_demo_steps.py            # a fresh SQLite file
    .venv/bin/python bench/bench_demo_steps.py --profile "early warning (no backtest)"   # and where that step's time goes
    bash scripts/with-postgres.sh .venv/bin/python bench/bench_demo_steps.py

The steps are those of ``evenbetter.demo.services.demo_build``, in its order, without the
model's backtest (as the tests build it). On PostgreSQL the server's own CPU is not counted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable

from _setup import django_with_fresh_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", metavar="STEP", help="profile this step (its name as printed) with cProfile")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (cumulative, tottime)")
    arguments = parser.parse_args()
    django_with_fresh_database("demo-steps")
    from django.conf import settings

    from evenbetter.benchmarks.services import benchmarks_refresh
    from evenbetter.demo import services
    from evenbetter.demo.local_records import demo_generate_local_records
    from evenbetter.demo.practice import demo_generate_practice
    from evenbetter.indicators.quality import data_quality_refresh
    from evenbetter.partnerships.indicators import partnership_life_refresh

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as in the tests
    clusters: list = []
    steps: list[tuple[str, Callable[[], object]]] = [
        ("import the register", services.demo_import_register),
        ("import the indicator files", services.demo_import_indicators),
        ("data quality", data_quality_refresh),
        ("clusters", lambda: clusters.extend(services.demo_make_clusters())),
        ("local records", demo_generate_local_records),
        ("partnership life", partnership_life_refresh),
        ("benchmarks", benchmarks_refresh),
        ("users", lambda: services.demo_make_users(clusters)),
        ("early warning (no backtest)", lambda: services.demo_early_warning(with_backtest=False)),
        ("supports", services.demo_supports),
        ("practice library", demo_generate_practice),
    ]
    seconds: list[tuple[str, float, float]] = []
    for name, step in steps:
        cpu, wall = time.process_time(), time.perf_counter()
        if name == arguments.profile:
            profiler = cProfile.Profile()
            profiler.runcall(step)
            pstats.Stats(profiler).sort_stats(arguments.sort).print_stats(30)
        else:
            step()
        seconds.append((name, time.process_time() - cpu, time.perf_counter() - wall))
    total = sum(cpu for _, cpu, _ in seconds)
    print(f"{'step':30} {'CPU s':>7} {'wall s':>7} {'share':>6}")
    for name, cpu, wall in seconds:
        print(f"{name:30} {cpu:7.2f} {wall:7.2f} {cpu / total:6.2f}")
    print(f"{'the whole build':30} {total:7.2f} {sum(wall for _, _, wall in seconds):7.2f} {1:6.2f}")


if __name__ == "__main__":
    main()
