"""The school page's glance of the data, read from the row the refresh keeps against worked out
from every value of the school (what a first view paid before), the same schools in one run.

    cd bench && ../.venv/bin/python bench_glance_data.py --keep DIR [--schools 40]

Opens the database ``load_test.py --keep DIR`` built or copied (``DIR/load.sqlite3``; the
refresh's rows are worked out first if it holds none, as ``load_test.py`` does) and, as each of
the load test's two people, for ``--schools`` schools: the panel's context from the kept row
(``GlanceData``, an empty cache) and the glance worked out (``_glance_data``, with the
generated values read once, as the page does now). Prints the medians, the queries each
took, and the ratio. Reads only: nothing is written into the database but the kept rows.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from _setup import django_with_fresh_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, required=True, help="the folder load_test.py --keep built or copied into")
    parser.add_argument("--schools", type=int, default=40, help="schools, each read both ways once")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.keep.resolve() / 'load.sqlite3'}"
    django_with_fresh_database("glance-data")
    from django.core.cache import cache
    from django.db import connection
    from django.http import HttpRequest
    from django.test.utils import CaptureQueriesContext
    from load_test import kept_for_pages

    from evenbetter.accounts.models import User
    from evenbetter.indicators.models import SchoolDataGlance
    from evenbetter.indicators.panels import GlanceData, _glance_data
    from evenbetter.schools.models import School

    kept_for_pages()
    ids = list(SchoolDataGlance.objects.exclude(published_up_to="").values_list("school_id", flat=True))
    schools = list(School.objects.filter(pk__in=random.Random(8).sample(ids, args.schools)))
    print(f"on {connection.vendor}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  {'person':17} {'kept ms':>8} {'queries':>8} {'worked out ms':>14} {'queries':>8} {'× kept':>7}")
    for username in ("load-system", "load-partnership"):
        user = User.objects.get(username=username)
        timed: dict[str, list[float]] = {"kept": [], "worked out": []}
        queries: dict[str, list[int]] = {"kept": [], "worked out": []}
        for school in schools:
            for way in ("worked out", "kept"):
                cache.clear()
                request = HttpRequest()
                request.user = user
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    if way == "kept":
                        GlanceData().context(request, school)
                    else:
                        _glance_data(request, school)
                    timed[way].append((time.perf_counter() - started) * 1000)
                queries[way].append(len(captured.captured_queries))
        kept, worked = statistics.median(timed["kept"]), statistics.median(timed["worked out"])
        print(
            f"  {username:17} {kept:8.1f} {statistics.median(queries['kept']):8.0f} {worked:14.1f}"
            f" {statistics.median(queries['worked out']):8.0f} {worked / kept:7.1f}"
        )


if __name__ == "__main__":
    main()
