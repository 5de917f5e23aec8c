"""Practice measured: the refresh step that measures every try, and the practice pages that
read what it kept, against the same pages' cheapest form in the same run.

    .venv/bin/python bench/bench_practice_measured.py [schools] [items] [repeats]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_practice_measured.py

Writes, into a fresh database, ``schools`` schools each with a family of 30 (the families'
size), three years of the three reading indicators for every school, and ``items`` practice
items about reading, each tried by 0 to 8 schools (seeded), started across the three years
(so some are measured, some not yet). Then times ``measures_refresh()`` (the refresh's step:
every item measured and pooled) per item and per try, and the pages as a school leader
through Django's test client: the library newest first (the baseline: what it was before
this change), the library by evidence, an item page with no tries (baseline) and the item
page with the most tries (its pooled results and each try's lines). Each page: one warm-up,
then ``repeats`` requests; median and p95, queries, and the ratio to its baseline.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable

from _setup import django_with_fresh_database, peak_rss_mb

INDICATORS = [("ks2_readprog", "Reading progress", "score"), ("ks2_read_average", "Reading score", "score"),
              ("ks2_ptread_exp", "Reading at the expected standard", "%")]  # fmt: skip


def timed(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main(n_schools: int, n_items: int, repeats: int) -> None:
    django_with_fresh_database("practice-measured")
    import numpy as np
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.benchmarks.models import FamilyMember
    from evenbetter.indicators.models import Indicator, Observation
    from evenbetter.practice.models import ItemArea, PracticeItem, Tried, TriedResult
    from evenbetter.practice.services import measures_refresh
    from evenbetter.schools.models import School

    rng = np.random.default_rng(2026)
    start = time.perf_counter()
    School.objects.bulk_create(
        [School(urn=100000 + i, name=f"School {i}", status="open", phase="Primary") for i in range(n_schools)]
    )
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    indicators = [
        Indicator.objects.create(code=code, name=name, unit=unit, direction="higher", domain="outcomes")
        for code, name, unit in INDICATORS
    ]
    rows = []
    for indicator in indicators:
        level = rng.normal(50, 10, n_schools)
        for year in (2015, 2016, 2017):
            level = level + rng.normal(0.5, 2, n_schools)
            period = f"{year}/{(year + 1) % 100:02d}"
            rows += [
                Observation(school_id=pk, indicator=indicator, period=period, period_start=dt.date(year, 9, 1),
                            value=float(value))
                for pk, value in zip(ids, level, strict=True)
            ]  # fmt: skip
    Observation.objects.bulk_create(rows, batch_size=5000)
    members = []
    for position, pk in enumerate(ids):
        others = rng.choice([i for i in range(n_schools) if i != position], size=30, replace=False)
        members += [
            FamilyMember(school_id=pk, member_id=ids[int(o)], rank=r, distance=r / 10, weight_share=1)
            for r, o in enumerate(others, start=1)
        ]
    FamilyMember.objects.bulk_create(members, batch_size=5000)
    reader = User.objects.create_user("bench-leader")
    Membership.objects.create(user=reader, role=Role.SCHOOL_LEADER, school_id=ids[0])
    items = PracticeItem.objects.bulk_create(
        [PracticeItem(kind="idea", title=f"Reading idea {i}", summary="S", body="B", phase="primary")
         for i in range(n_items)]
    )  # fmt: skip
    items = list(PracticeItem.objects.order_by("pk"))
    ItemArea.objects.bulk_create([ItemArea(item=item, area="reading") for item in items])
    tries = []
    for item in items:
        for school in rng.choice(ids[1:], size=int(rng.integers(0, 9)), replace=False):
            started = dt.date(2016, 9, 1) + dt.timedelta(days=int(rng.integers(0, 3 * 365)))
            tries.append(Tried(item=item, school_id=int(school), outcome="worked", started_on=started))
    Tried.objects.bulk_create(tries)
    print(
        f"{n_schools} schools, {len(rows)} values, {len(members)} family places, {n_items} items, {len(tries)} tries"
        f" on {connection.vendor}: written in {time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    measures_refresh()
    refresh_s = time.perf_counter() - start
    print(
        f"measures_refresh (the refresh's step): {refresh_s:.1f} s — {refresh_s / n_items * 1000:.1f} ms an item, "
        f"{refresh_s / max(1, len(tries)) * 1000:.1f} ms a try; {TriedResult.objects.count()} try lines kept"
    )

    client = Client(HTTP_HOST="localhost")
    client.force_login(reader)
    untried = PracticeItem.objects.filter(tries__isnull=True).first()
    most = max(items, key=lambda item: item.tries.count())

    def page(path: str, params: dict[str, str] | None = None) -> Callable[[], object]:
        def get() -> object:
            response = client.get(path, params or {})
            assert response.status_code == 200, (path, response.status_code)
            return response

        return get

    def queries(run: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            run()
        return len(captured)

    pages = [
        ("library, newest first (baseline)", page("/practice/"), None),
        ("library, by evidence", page("/practice/", {"order": "evidence"}), "library, newest first (baseline)"),
        ("item with no tries (baseline)", page(f"/practice/{untried.pk}/"), None),  # type: ignore[union-attr]
        (f"item tried by {most.tries.count()} schools", page(f"/practice/{most.pk}/"), "item with no tries (baseline)"),
    ]
    results: dict[str, tuple[float, float]] = {}
    print(f"{'':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x baseline':>10}")
    for name, run, baseline in pages:
        results[name] = timed(run, repeats)
        median, p95 = results[name]
        ratio = median / results[baseline][0] if baseline else 1.0
        print(f"{name:34} {median:10.1f} {p95:8.1f} {queries(run):8d} {ratio:10.2f}")
    print(f"peak memory {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [2000, 500, 20][len(args) :]))
