"""A filter change under htmx: the region alone against the whole page, on the demo.

    .venv/bin/python bench/bench_filter_parts.py [repeat]
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/bench_filter_parts.py  # build once, reuse

Builds the demo in a fresh database (``demo_build`` without the model's backtest, as the
tests build it: 1,096 Hampshire and Surrey schools, three years of key stage 2, clusters,
partnership records, an early-warning run), then, as the demo's system lead, asks each
filtered page (schools directory, explorer, dashboard, map, watch list) for one filter (the
first locality) ``repeat`` times as a browser without JavaScript does (the whole page) and
as htmx does (``HX-Request``: the page's region alone), alternating, through Django's test
client (the whole server side, no network). Printed per page: the median server time and
the bytes of each, and the region's share of the page's (the ratio; the baseline is the
whole page measured in the same loop).
"""

from __future__ import annotations

import statistics
import sys
import time

from _setup import django_with_fresh_database


def main(repeat: int) -> None:
    django_with_fresh_database("filter-parts")
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from evenbetter.accounts.models import Membership, Role
    from evenbetter.demo.services import demo_build
    from evenbetter.schools.access import localities_visible_to
    from evenbetter.schools.models import School

    settings.ALLOWED_HOSTS = ["testserver"]
    if not School.objects.exists():  # else a database named by DATABASE_URL, built by an earlier run
        started = time.perf_counter()
        demo_build(with_backtest=False)
        print(f"set-up: the demo built in {time.perf_counter() - started:.0f} s (not counted)", flush=True)

    lead = Membership.objects.filter(role=Role.SYSTEM_LEAD).select_related("user").first()
    assert lead is not None, "the demo has no system lead"
    client = Client()
    client.force_login(lead.user)
    locality = localities_visible_to(lead.user).order_by("name").first()
    assert locality is not None
    pages = [
        ("schools directory", reverse("school_directory"), {"locality": locality.slug}),
        ("explorer", reverse("explorer"), {"scope": f"locality:{locality.slug}"}),
        ("dashboard", reverse("dashboard"), {"locality": locality.slug}),
        ("map", reverse("dashboard_map"), {"locality": locality.slug}),
        ("watch list", reverse("watch_list"), {"locality": locality.slug}),
    ]
    print(f"filter: locality {locality.name!r}; {repeat} requests of each kind per page\n")
    print("| page | whole page: ms | region (htmx): ms | time × | whole page: KB | region: KB | bytes × |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, url, query in pages:
        timings: dict[str, list[float]] = {"page": [], "part": []}
        sizes: dict[str, int] = {}
        for kind, headers in [("page", {}), ("part", {"HX-Request": "true"})]:
            warm = client.get(url, query, headers=headers)
            assert warm.status_code == 200, (name, kind, warm.status_code)
        for _ in range(repeat):
            for kind, headers in [("page", {}), ("part", {"HX-Request": "true"})]:
                tick = time.perf_counter()
                response = client.get(url, query, headers=headers)
                timings[kind].append((time.perf_counter() - tick) * 1000)
                sizes[kind] = len(response.content)
        page_ms, part_ms = (statistics.median(timings[k]) for k in ("page", "part"))
        print(
            f"| {name} | {page_ms:.0f} | {part_ms:.0f} | {part_ms / page_ms:.2f} | "
            f"{sizes['page'] / 1024:.1f} | {sizes['part'] / 1024:.1f} | {sizes['part'] / sizes['page']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
