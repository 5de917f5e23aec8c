"""The demo's early warning alone (no backtest), on inputs built once and kept, in CPU seconds of
this process: to compare two checkouts on the same inputs, run side by side (each run opens
a copy of the kept file, never the file itself), and to check that they give the same scores.

    cd bench && ../.venv/bin/python bench_demo_early_warning.py --inputs /tmp/demo-inputs.sqlite3
        # the first time: builds the demo up to the early warning (as bench_demo_steps.py) and keeps it
    cd bench && ../.venv/bin/python bench_demo_early_warning.py --inputs /tmp/demo-inputs.sqlite3 --dump scores.json
        # the run's every score (risk in hex, rank, band, reasons, set aside, evidence, triggers)
    cd bench && ../.venv/bin/python bench_demo_early_warning.py --inputs /tmp/demo-inputs.sqlite3 --profile tottime

SQLite only. Run from the checkout's bench/ directory: its code is the one measured.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", required=True, type=Path, help="the kept inputs (built when missing)")
    parser.add_argument("--dump", type=Path, help="write every score of the run to this JSON file")
    parser.add_argument("--profile", metavar="SORT", help="profile the step with cProfile, in this order")
    arguments = parser.parse_args()
    building = not arguments.inputs.exists()
    workdir = Path(tempfile.mkdtemp(prefix="evenbetter-bench-early-warning-"))
    try:
        if not building:
            shutil.copy(arguments.inputs, workdir / "inputs.sqlite3")
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'inputs.sqlite3'}"
        from _setup import django_with_fresh_database

        django_with_fresh_database("early-warning")
        from django.conf import settings
        from django.db import connection

        from evenbetter.demo import services

        if building:
            _build_inputs()
            connection.close()
            shutil.copy(settings.DATABASES["default"]["NAME"], arguments.inputs)
            print(f"kept the inputs in {arguments.inputs}: run again to measure")
            return
        cpu = time.process_time()
        if arguments.profile:
            profiler = cProfile.Profile()
            profiler.runcall(services.demo_early_warning, with_backtest=False)
            pstats.Stats(profiler).sort_stats(arguments.profile).print_stats(40)
        else:
            services.demo_early_warning(with_backtest=False)
        print(f"early warning (no backtest): {time.process_time() - cpu:.2f} CPU s")
        if arguments.dump:
            _dump(arguments.dump)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _build_inputs() -> None:
    from django.conf import settings

    from evenbetter.benchmarks.services import benchmarks_refresh
    from evenbetter.demo import services
    from evenbetter.demo.local_records import demo_generate_local_records
    from evenbetter.indicators.quality import data_quality_refresh
    from evenbetter.partnerships.indicators import partnership_life_refresh

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as in the tests
    services.demo_import_register()
    services.demo_import_indicators()
    data_quality_refresh()
    clusters = services.demo_make_clusters()
    demo_generate_local_records()
    partnership_life_refresh()
    benchmarks_refresh()
    services.demo_make_users(clusters)


def _dump(path: Path) -> None:
    from evenbetter.earlywarning.models import RiskRun, RiskScore

    run = RiskRun.objects.first()
    assert run is not None
    scores = [
        [s.school_id, s.risk.hex(), s.rank, s.band, s.reasons, s.set_aside, s.evidence, s.triggers]
        for s in RiskScore.objects.filter(run=run).order_by("school_id")
    ]
    kept = {"model_kind": run.model_kind, "fingerprint": run.data_fingerprint, "scores": scores}
    path.write_text(json.dumps(kept, sort_keys=True, default=str))
    print(f"{len(scores)} scores in {path}")


if __name__ == "__main__":
    main()
