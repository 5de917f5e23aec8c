"""A school page with its benchmarks, at national scale: server time per page.

    .venv/bin/python bench/bench_school_page.py [pages]

Imports all of ``national-2019/`` (from ``settings.EVENBETTER_DATA_DIR``: ``data/england/``
in the repository unless the environment points elsewhere) into a fresh database (23,939
schools), computes every family and benchmark (``benchmarks_refresh``, timed), then opens
the pages of a seeded sample of schools as a system lead through Django's test client:
the whole server side (the view, its queries, the template), no network. Baseline in
the same run and the same loop: the password-change page, the lightest page a signed-in
user gets (session, user, template), so the ratio says what the school page costs beyond
any page at all.
Target (issue 4): a median under 100 ms.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from _setup import django_with_fresh_database, peak_rss_mb

FILES = [
    ("england_census.csv", "dfe_census", {"add_missing_schools": True}),
    ("england_abs.csv", "dfe_absence", {}),
    ("england_ks4provisional.csv", "dfe_ks4", {}),
    ("ofsted_ratings.csv", "ofsted_ratings", {}),
    ("england_swf.csv", "dfe_workforce", {}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(pages: int) -> None:
    django_with_fresh_database("school-page")
    from django.conf import settings
    from django.test import Client

    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.benchmarks.models import Benchmark, FamilyMember
    from evenbetter.benchmarks.services import benchmarks_refresh
    from evenbetter.ingest.runner import import_path
    from evenbetter.schools.models import School

    settings.ALLOWED_HOSTS = ["testserver"]
    folder = settings.EVENBETTER_DATA_DIR / "national-2019"
    started = time.perf_counter()
    for name, source_format, options in FILES:
        import_path(path=folder / name, source_format=source_format, period="2018/19", **options)
    print(f"imported national-2019 in {time.perf_counter() - started:.1f} s: {School.objects.count():,} schools")

    started = time.perf_counter()
    result = benchmarks_refresh(progress=lambda message: print(f"  {message}"))
    refresh = time.perf_counter() - started
    print(
        f"benchmarks_refresh: {refresh:.1f} s — families for {result.run.schools_with_family:,} schools "
        f"({FamilyMember.objects.count():,} members), {Benchmark.objects.count():,} benchmarks"
    )

    lead = User.objects.create_user("bench-lead")  # signed in with force_login: no password
    Membership.objects.create(user=lead, role=Role.SYSTEM_LEAD)
    client = Client()
    client.force_login(lead)
    with_family = list(FamilyMember.objects.values_list("school_id", flat=True).distinct())
    sample = random.Random(42).sample(with_family, min(pages, len(with_family)))
    urls = [School.objects.get(pk=pk).get_absolute_url() for pk in sample]
    for url in urls[:5]:  # warm the caches: templates, query plans
        client.get(url)
        client.get("/accounts/password/change/")
    school_times, baseline_times = [], []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        school_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        started = time.perf_counter()
        client.get("/accounts/password/change/")
        baseline_times.append((time.perf_counter() - started) * 1000)
    median, baseline = statistics.median(school_times), statistics.median(baseline_times)
    print(f"{len(urls)} school pages: median {median:.1f} ms, p95 {percentile(school_times, 0.95):.1f} ms")
    print(f"baseline page: median {baseline:.1f} ms; ratio {median / baseline:.1f}x")
    print(f"peak memory {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
