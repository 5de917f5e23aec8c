"""National scale: generate 25,000 schools x 10 years x 40 indicators (10 million values)
as one generic long file, import it, and compare with the database's raw bulk-insert rate
for the same rows in the same run.

    .venv/bin/python bench/bench_national_scale.py [--schools 25000 --years 10 --indicators 40]

Prints the import's rows per second, the raw insert's, their ratio, and peak memory. The
data are generated (seeded, reproducible), not real: no public file has this shape.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from _setup import django_with_fresh_database, peak_rss_mb


def generate(path: Path, schools: int, years: int, indicators: int, seed: int = 42) -> int:
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("school_id,period,indicator,value\n")
        for school in range(schools):
            urn = 900_000 + school
            base = [rng.uniform(20, 80) for _ in range(indicators)]
            for year in range(2010, 2010 + years):
                period = f"{year}/{(year + 1) % 100:02d}"
                lines = []
                for index in range(indicators):
                    value = base[index] + rng.gauss(0, 3)
                    text = "SUPP" if rng.random() < 0.01 else f"{min(max(value, 0), 100):.1f}"
                    lines.append(f"{urn},{period},gen_{index:02d},{text}\n")
                out.write("".join(lines))
                rows += indicators
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=25_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=40)
    args = parser.parse_args()
    workdir = django_with_fresh_database("national-scale")

    from django.conf import settings
    from django.db import connection, transaction

    from evenbetter.indicators.models import Observation
    from evenbetter.ingest.runner import import_file, import_path
    from evenbetter.schools.models import School

    School.objects.bulk_create(
        [
            School(urn=900_000 + i, name=f"Generated school {i}", status="open", phase="Primary")
            for i in range(args.schools)
        ],
        batch_size=5000,
    )
    catalogue = "code,name,unit,direction,domain,comparison,minimum,maximum\n" + "".join(
        f"gen_{i:02d},Generated indicator {i},%,higher,outcomes,percent,0,100\n" for i in range(args.indicators)
    )
    import_file(content=catalogue.encode(), file_name="catalogue.csv", source_format="indicator_catalogue")

    path = workdir / "national_long.csv"
    started = time.perf_counter()
    rows = generate(path, args.schools, args.years, args.indicators)
    print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run = import_path(path=path, source_format="long")
    import_seconds = time.perf_counter() - started
    assert run.status == "succeeded", run.problems[:3]
    assert Observation.objects.count() == run.records_created == rows
    import_rate = rows / import_seconds
    import_peak = peak_rss_mb()
    print(
        f"import: {rows:,} rows in {import_seconds:.1f} s = {import_rate:,.0f} rows/s; peak memory {import_peak:,.0f} MB"
    )

    # Baseline: the same rows straight into an identical, empty table through the driver.
    table = Observation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw AS SELECT * FROM {table} WHERE 0")  # noqa: S608
        cursor.execute("CREATE UNIQUE INDEX bench_raw_key ON bench_raw (school_id, indicator_id, period)")
        cursor.execute("CREATE INDEX bench_raw_ip ON bench_raw (indicator_id, period)")
        cursor.execute(
            f"SELECT school_id, indicator_id, period, period_start, value, status, provisional, import_run_id FROM {table}"  # noqa: S608
        )
        prepared = cursor.fetchall()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the same page cache the import had
            cursor.execute(f"PRAGMA cache_size=-{settings.EVENBETTER_IMPORT_CACHE_MB * 1024}")
        for start in range(0, len(prepared), 50_000):
            cursor.executemany(
                "INSERT INTO bench_raw (school_id, indicator_id, period, period_start, value, status, provisional, "
                "import_run_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                prepared[start : start + 50_000],
            )
    raw_seconds = time.perf_counter() - started
    raw_rate = len(prepared) / raw_seconds
    print(f"raw bulk insert (same rows, same indexes): {raw_seconds:.1f} s = {raw_rate:,.0f} rows/s")
    print(f"ratio import/raw: {import_rate / raw_rate:.2f}")
    print(f"database: {connection.vendor}; peak memory of the whole process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
