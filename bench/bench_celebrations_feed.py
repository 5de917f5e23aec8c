"""A system lead's celebrations feed (the home page's 20) at national scale, the two ways
``goals.selectors`` orders it, in the same run: a day at a time in SQL (``_by_day``, what a
system lead's feed uses) against reading every key and sorting in Python (``_in_order``, what
it used before and what readers with filtered rows still use).

    .venv/bin/python bench/bench_celebrations_feed.py COPY.sqlite3 [--repeat 15]

COPY is a copy of the national file built by ``bench_every_page.py --keep`` (never the file
itself: the feed only reads, but opening a database may migrate it). Prints each way's median
and best milliseconds, its queries, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from _setup import django_on_sqlite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    django_on_sqlite(args.database)
    from django.db import connection

    from evenbetter.goals.models import Celebration
    from evenbetter.goals.selectors import _by_day, _in_order

    rows = Celebration.objects.select_related(
        "school", "partnership", "locality", "goal", "indicator", "help_request", "practice_item"
    )
    held = Celebration.objects.count()
    wanted = min(20, held)
    print(f"{held:,} celebrations; the first {wanted} of the feed, {args.repeat} times each way")

    def first_twenty(order: Any) -> tuple[list[int], float, int]:
        queries = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counted):
            feed = order(rows, chunk=40)
            shown = [next(feed).pk for _ in range(wanted)]
        return shown, (time.perf_counter() - started) * 1000, queries

    results: dict[str, list[float]] = {"by day in SQL": [], "keys in Python": []}
    queries: dict[str, int] = {}
    shown: dict[str, list[int]] = {}
    for _ in range(args.repeat):  # alternating, so that both see the same moments of the machine
        for name, order in (("by day in SQL", _by_day), ("keys in Python", _in_order)):
            shown[name], ms, queries[name] = first_twenty(order)
            results[name].append(ms)
    assert shown["by day in SQL"] == shown["keys in Python"], "the two orders differ"
    baseline = statistics.median(results["keys in Python"])
    print(f"{'way':16} {'median ms':>10} {'best ms':>8} {'queries':>8} {'× keys in Python':>17}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:16} {median:10.1f} {min(times):8.1f} {queries[name]:8} {median / baseline:17.2f}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
