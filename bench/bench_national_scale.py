"""National scale: generate 25,000 schools x 10 years x 40 indicators (10 million values)
as one generic long file, import it, and compare with the database's raw bulk-insert rate
for the same rows in the same run.

    .venv/bin/python bench/bench_national_scale.py [--schools 25000 --years 10 --indicators 40]

Prints the import's rows per second, the raw insert's, their ratio, and peak memory; on SQLite
also the ratio of the CPU time each took in this process (steadier on a shared machine). The raw
insert (executemany on SQLite, COPY on PostgreSQL) goes into a copy of the observation table
(same keys, indexes and foreign keys: what the import writes into) and into a bare table with
only its two lookup indexes (the earlier baseline). The data are generated (seeded,
reproducible), not real: no public file has this shape.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

from _setup import django_with_fresh_database, peak_rss_mb


def generated_schools_and_catalogue(schools: int, indicators: int) -> None:
    """The generated schools (URNs from 900,000) and the catalogue of the generated indicators
    (``gen_00``…) that ``generate``'s files name."""
    from evenbetter.ingest.runner import import_file
    from evenbetter.schools.models import School

    School.objects.bulk_create(
        [School(urn=900_000 + i, name=f"Generated school {i}", status="open", phase="Primary") for i in range(schools)],
        batch_size=5000,
    )
    catalogue = "code,name,unit,direction,domain,comparison,minimum,maximum\n" + "".join(
        f"gen_{i:02d},Generated indicator {i},%,higher,outcomes,percent,0,100\n" for i in range(indicators)
    )
    import_file(content=catalogue.encode(), file_name="catalogue.csv", source_format="indicator_catalogue")


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


COLUMNS = ("school_id", "indicator_id", "period", "period_start", "value", "status", "provisional", "import_run_id")


def _copy_of_table(cursor: Any, table: str) -> None:
    """bench_raw: the observation table's own definition (keys, indexes, foreign keys), empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute(f"CREATE TABLE bench_raw (LIKE {table} INCLUDING ALL)")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_raw ADD {definition}")
        return
    cursor.execute("SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
    for kind, sql in sorted(cursor.fetchall(), key=lambda row: row[0] != "table"):
        sql = sql.replace(f'"{table}"', '"bench_raw"', 1 if kind == "table" else -1)
        if kind == "index":  # index names are unique in the whole database
            sql = sql.replace('INDEX "', 'INDEX "bench_raw_', 1)
        cursor.execute(sql)


def _bare_table(cursor: Any, table: str) -> None:
    """bench_raw with the observation table's columns and only its two lookup indexes."""
    cursor.execute(f"CREATE TABLE bench_raw AS SELECT * FROM {table} WHERE 1 = 0")  # noqa: S608
    cursor.execute("CREATE UNIQUE INDEX bench_raw_key ON bench_raw (school_id, indicator_id, period)")
    cursor.execute("CREATE INDEX bench_raw_ip ON bench_raw (indicator_id, period)")


def _raw_insert(prepared: list[tuple[Any, ...]]) -> tuple[float, float]:
    """Seconds (on the clock, and of this process's CPU) to write ``prepared`` into bench_raw
    the fastest way the database offers."""
    from django.conf import settings
    from django.db import connection, transaction

    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_raw ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            # the same page cache the import had
            cursor.execute(f"PRAGMA cache_size=-{settings.EVENBETTER_IMPORT_CACHE_MB * 1024}")
            sql = f"INSERT INTO bench_raw ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608 (names are ours)
            for start in range(0, len(prepared), 50_000):
                cursor.executemany(sql, prepared[start : start + 50_000])
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=25_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=40)
    args = parser.parse_args()
    workdir = django_with_fresh_database("national-scale")

    from django.db import connection

    from evenbetter.indicators.models import Observation
    from evenbetter.ingest.runner import import_path

    generated_schools_and_catalogue(args.schools, args.indicators)

    path = workdir / "national_long.csv"
    started = time.perf_counter()
    rows = generate(path, args.schools, args.years, args.indicators)
    print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    started, cpu_started = time.perf_counter(), time.process_time()
    run = import_path(path=path, source_format="long")
    import_seconds, import_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert run.status == "succeeded", run.problems[:3]
    assert Observation.objects.count() == run.records_created == rows
    import_rate = rows / import_seconds
    import_peak = peak_rss_mb()
    print(
        f"import: {rows:,} rows in {import_seconds:.1f} s = {import_rate:,.0f} rows/s; peak memory {import_peak:,.0f} MB"
    )

    # Baselines: the same rows straight into empty tables through the driver (executemany in
    # chunks of 50,000 in one transaction on SQLite, COPY on PostgreSQL): a true copy of the
    # observation table (the same columns, keys, indexes and foreign keys), and, as the
    # earlier runs measured, a bare table with only the two indexes of the import's lookups.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {Observation._meta.db_table}")  # noqa: S608
        prepared = cursor.fetchall()
    for label, make_table in (("copy of the table", _copy_of_table), ("bare table", _bare_table)):
        with connection.cursor() as cursor:
            make_table(cursor, Observation._meta.db_table)
        raw_seconds, raw_cpu = _raw_insert(prepared)
        raw_rate = len(prepared) / raw_seconds
        print(
            f"raw bulk insert into a {label}: {raw_seconds:.1f} s = {raw_rate:,.0f} rows/s; "
            f"ratio import/raw: {import_rate / raw_rate:.2f}"
        )
        if connection.vendor == "sqlite":
            # SQLite works inside this process: its CPU time is all the work, however many other
            # processes share the cores (the clock's ratio moves with them).
            print(f"  by CPU time: import {import_cpu:.1f} s, raw {raw_cpu:.1f} s; ratio {raw_cpu / import_cpu:.2f}")
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_raw")
    print(f"database: {connection.vendor}; peak memory of the whole process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
