"""Re-importing a long file on SQLite: the staged path (``ingest/sqlstaging.py``) against
reading the file row by row, in the same run, on the same store.

    .venv/bin/python bench/bench_reimport.py [--schools 1000 --years 10 --indicators 40]

Generates the national-scale bench's file (seeded; 1% of values ``SUPP``), imports it once,
then times, each twice and in turn:

- the same file again (every value unchanged): staged, and read row by row; and staged with the
  store read for the leftovers as before this session (``indicators.store.SPARSE`` out of reach:
  every value of their schools x indicators x periods, not their keys);
- the same file with some keys repeated — a ``SUPP`` row written twice and a settled value
  repeated as `` 45.0`` (a leftover: not a plain number), each taken once — staged as now
  (every row of a repeated key held back for the Python rules), and as before this change
  (the staging undone and the whole file read row by row).

Prints seconds on the clock and of this process's CPU (on SQLite all of the database's work
is in the process, so CPU time is steadier on a shared machine) and the ratios of each pair.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _setup import django_with_fresh_database
from bench_national_scale import generate, generated_schools_and_catalogue


def with_repeats(path: Path, every: int) -> tuple[Path, int]:
    """The file with every ``every``-th ``SUPP`` row written twice and as many plain values
    repeated as leftovers (" 45.0" for "45.0"), each repeat right after its row."""
    out_path = path.with_name("repeats.csv")
    supp = plain = 0
    with path.open(encoding="utf-8") as source, out_path.open("w", encoding="utf-8", newline="") as out:
        out.write(next(source))
        for line in source:
            out.write(line)
            school, period, indicator, value = line.rstrip("\n").split(",")
            if value == "SUPP":
                supp += 1
                if supp % every == 0:
                    out.write(line)
                    plain += 1
            elif plain > 0:
                out.write(f"{school},{period},{indicator}, {value}\n")
                plain -= 1
    return out_path, supp // every


def timed(label: str, run_import: Callable[[], Any]) -> tuple[float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    run = run_import()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert run.status == "succeeded", run.problems[:3]
    assert run.records_created == run.records_updated == 0, (run.records_created, run.records_updated)
    print(f"  {label}: {seconds:.2f} s (CPU {cpu:.2f} s); {run.records_unchanged:,} unchanged")
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    workdir = django_with_fresh_database("reimport")

    from django.db import connection

    from evenbetter.indicators import store
    from evenbetter.ingest import observations, sqlstaging
    from evenbetter.ingest.formats.generic import LongFile
    from evenbetter.ingest.runner import import_path

    assert connection.vendor == "sqlite", "the staged path is SQLite's"
    generated_schools_and_catalogue(args.schools, args.indicators)
    path = workdir / "long.csv"
    rows = generate(path, args.schools, args.years, args.indicators)
    repeats_path, repeated = with_repeats(path, every=10)
    print(f"{rows:,} rows; the file with repeats has {repeated:,} SUPP rows and {repeated:,} values repeated")

    started = time.perf_counter()
    first = import_path(path=path, source_format="long")
    assert first.status == "succeeded" and first.records_created == rows
    print(f"first import (staged): {time.perf_counter() - started:.2f} s")

    def as_before(*args: Any, **kwargs: Any) -> None:
        raise sqlstaging.CannotStage("a key is on two rows")  # what a repeated key did before

    def staged(file: Path) -> Callable[[], Any]:
        return lambda: import_path(path=file, source_format="long")

    def row_by_row(file: Path) -> Callable[[], Any]:
        def run_import() -> Any:
            LongFile.staged_in_sql = False
            try:
                return import_path(path=file, source_format="long")
            finally:
                LongFile.staged_in_sql = True

        return run_import

    def before_this_change(file: Path) -> Callable[[], Any]:
        def run_import() -> Any:
            held = observations.hold_repeated_keys, sqlstaging.hold_repeated_keys
            observations.hold_repeated_keys = sqlstaging.hold_repeated_keys = as_before  # type: ignore[assignment]
            try:
                return import_path(path=file, source_format="long")
            finally:
                observations.hold_repeated_keys, sqlstaging.hold_repeated_keys = held

        return run_import

    def store_by_product(file: Path) -> Callable[[], Any]:
        def run_import() -> Any:
            sparse, store.SPARSE = store.SPARSE, 10**12
            try:
                return import_path(path=file, source_format="long")
            finally:
                store.SPARSE = sparse

        return run_import

    pairs = (
        ("same file", ("staged", staged(path)), ("row by row", row_by_row(path))),
        ("same file", ("staged", staged(path)), ("staged, store read by product", store_by_product(path))),
        (
            "with repeated keys",
            ("staged, repeats held back", staged(repeats_path)),
            ("as before: staging undone, whole file row by row", before_this_change(repeats_path)),
        ),
    )
    for title, (label, run_import), (baseline_label, baseline) in pairs:
        print(f"re-import, {title}:")
        figures = [(timed(label, run_import), timed(baseline_label, baseline)) for _ in range(args.rounds)]
        for (seconds, cpu), (base_seconds, base_cpu) in figures:
            print(f"  ratio {label} / {baseline_label}: {seconds / base_seconds:.2f} (CPU {cpu / base_cpu:.2f})")


if __name__ == "__main__":
    main()
