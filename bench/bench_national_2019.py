"""Import all of ``national-2019/`` (England, 2018/19) into an empty platform.

The files are read from ``settings.EVENBETTER_DATA_DIR``: ``data/england/`` in the
repository unless the environment points elsewhere.

    .venv/bin/python bench/bench_national_2019.py

The census goes first and adds the 23,940 schools (the register here covers only
Hampshire and Surrey); then absence, key stage 4, Ofsted ratings and the workforce
census. Baseline in the same run: reading the same files with the csv module alone.
"""

from __future__ import annotations

import csv
import io
import time

from _setup import django_with_fresh_database, peak_rss_mb

FILES = [
    ("england_census.csv", "dfe_census", {"add_missing_schools": True}),
    ("england_abs.csv", "dfe_absence", {}),
    ("england_ks4provisional.csv", "dfe_ks4", {}),
    ("ofsted_ratings.csv", "ofsted_ratings", {}),
    ("england_swf.csv", "dfe_workforce", {}),
]


def main() -> None:
    django_with_fresh_database("national-2019")
    from django.conf import settings

    from evenbetter.indicators.models import Observation
    from evenbetter.ingest.runner import import_path
    from evenbetter.schools.models import School

    folder = settings.EVENBETTER_DATA_DIR / "national-2019"
    total_rows = 0
    started_all = time.perf_counter()
    for name, source_format, options in FILES:
        started = time.perf_counter()
        run = import_path(path=folder / name, source_format=source_format, period="2018/19", **options)
        seconds = time.perf_counter() - started
        total_rows += run.rows_read
        outcome = (
            f"{run.records_created:,} values"
            if run.status == "succeeded"
            else f"REFUSED: {run.errors[0]['message'][:90]} (line {run.errors[0]['line']})"
        )
        print(f"{name:28} {run.rows_read:7,} rows {seconds:6.2f} s  {outcome}")
    import_seconds = time.perf_counter() - started_all
    started = time.perf_counter()
    parsed = 0
    for name, _, _ in FILES:
        parsed += sum(1 for _ in csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8-sig"))))
    parse_seconds = time.perf_counter() - started
    print(f"all files: {total_rows:,} rows, {School.objects.count():,} schools, {Observation.objects.count():,} values")
    print(
        f"import {import_seconds:.1f} s; csv parse only {parse_seconds:.2f} s; ratio {import_seconds / parse_seconds:.0f}x"
    )
    print(f"peak memory {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
