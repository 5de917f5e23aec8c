"""Load: 50 people browsing at once for 60 seconds, against gunicorn on the loopback.

    .venv/bin/python bench/load_test.py [users] [seconds]
    bash scripts/with-postgres.sh .venv/bin/python bench/load_test.py [users] [seconds]

Builds national scale in a fresh database: all of ``national-2019/`` (23,939 schools;
from ``settings.EVENBETTER_DATA_DIR``, ``data/england/`` in the repository by default),
every family and benchmark, and an early-warning run over every school (its scores are
drawn at random, seeded — the load is what matters here, not the model). Then starts
gunicorn (3 workers × 4 threads, as docs/operations.md recommends for 2 cores) on a
free loopback port and lets ``users`` threads, each signed in (half as a system lead, half
as a partnership lead), browse for ``seconds``: school pages with their benchmarks (60%),
a school's family (10%), the explorer (10%), the watch list (10%) and, as the baseline in
the same run, the lightest signed-in page (the password form, 10%). Bounded in time and in
requests (at most 200 per user). Reports requests, errors (anything but 200, or no
answer within 60 s), throughput and p50/p95/p99 per kind of page. Exits 1 on any error.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from _setup import ROOT, django_with_fresh_database

FILES = [
    ("england_census.csv", "dfe_census", {"add_missing_schools": True}),
    ("england_abs.csv", "dfe_absence", {}),
    ("england_ks4provisional.csv", "dfe_ks4", {}),
    ("ofsted_ratings.csv", "ofsted_ratings", {}),
    ("england_swf.csv", "dfe_workforce", {}),
]
MIX = [("school", 60), ("family", 10), ("explorer", 10), ("watch list", 10), ("baseline", 10)]
MAX_REQUESTS_PER_USER = 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def build() -> tuple[list[str], list[str], dict[str, str]]:
    """National data, families, benchmarks and a risk run; the pages to browse and two sessions."""
    from django.conf import settings
    from django.test import Client

    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.benchmarks.models import FamilyMember
    from evenbetter.benchmarks.services import benchmarks_refresh
    from evenbetter.earlywarning.models import RiskRun, RiskScore
    from evenbetter.ingest.runner import import_path
    from evenbetter.schools.models import Partnership, PartnershipMembership, School

    folder = settings.EVENBETTER_DATA_DIR / "national-2019"
    started = time.perf_counter()
    for name, source_format, options in FILES:
        import_path(path=folder / name, source_format=source_format, period="2018/19", **options)
    benchmarks_refresh()
    schools = list(School.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(2026)
    run = RiskRun.objects.create(
        outcome={"kind": "inspection_below", "grade": 2}, outcome_text="the next inspection is below Good",
        as_of="2018/19", model_kind="logistic", data_fingerprint="0" * 64, schools_scored=len(schools),
    )  # fmt: skip
    risks = sorted(((rng.betavariate(1.2, 6), pk) for pk in schools), reverse=True)
    RiskScore.objects.bulk_create(
        [
            RiskScore(
                run=run, school_id=pk, risk=risk, rank=rank, previous_risk=None,
                band="high" if rank <= len(schools) // 10 else "raised" if rank <= len(schools) // 4 else "usual",
                reasons=[["isolation", 0.1, "Few contacts with other schools (load-test data)"]], triggers=[],
            )
            for rank, (risk, pk) in enumerate(risks, start=1)
        ],
        batch_size=2000,
    )  # fmt: skip
    cluster = Partnership.objects.create(name="Load test cluster", slug="load-test", kind=Partnership.Kind.CLUSTER)
    PartnershipMembership.objects.bulk_create(
        [PartnershipMembership(partnership=cluster, school_id=pk) for pk in schools[:40]]
    )
    print(f"national scale built in {time.perf_counter() - started:.0f} s: {len(schools):,} schools")
    sessions = {}
    for username, role, scope in (
        ("load-system", Role.SYSTEM_LEAD, {}),
        ("load-partnership", Role.PARTNERSHIP_LEAD, {"partnership": cluster}),
    ):
        user = User.objects.create_user(username)
        Membership.objects.create(user=user, role=role, **scope)
        client = Client()
        client.force_login(user)
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    with_family = list(FamilyMember.objects.values_list("school_id", flat=True).distinct())
    sample = rng.sample(with_family, min(2000, len(with_family)))
    urls = [School.objects.get(pk=pk).get_absolute_url() for pk in sample]
    family = [f"/schools/id/{pk}/family/" for pk in sample[:300]]
    return urls, family, sessions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(users: int, seconds: float) -> None:
    workdir = django_with_fresh_database("load")
    from django.db import connection

    urls, family, sessions = build()
    connection.close()
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "EVENBETTER_VAR_DIR": str(workdir)}
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--threads", "4", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        times: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds
        kinds = [k for k, w in MIX for _ in range(w)]

        def browse(n: int) -> None:
            rng = random.Random(n)
            cookie = f"sessionid={list(sessions.values())[n % 2]}"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _ in range(MAX_REQUESTS_PER_USER):
                if time.monotonic() >= stop:
                    break
                kind = rng.choice(kinds)
                path = {
                    "school": lambda: rng.choice(urls),
                    "family": lambda: rng.choice(family),
                    "explorer": lambda: "/explore/?indicator=ks4_attainment8&period=2018%2F19",
                    "watch list": lambda: "/watch-list/",
                    "baseline": lambda: "/accounts/password/change/",
                }[kind]()
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as error:
                    status, conn = 0, http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    path += f" ({error.__class__.__name__})"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    times[kind].append(elapsed)
                    if status != 200:
                        errors.append(f"{status} {path}")
            conn.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=browse, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in times.values())
    base = statistics.median(times["baseline"]) if times["baseline"] else float("nan")
    print(f"{users} users for {wall:.0f} s on {connection.vendor}: {total} requests ({total / wall:.1f}/s), "
          f"{len(errors)} errors")  # fmt: skip
    print(f"{'page':12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50 × baseline':>15}")
    for kind, _ in MIX:
        values = times[kind]
        p50 = percentile(values, 0.5)
        print(f"{kind:12} {len(values):8} {p50:8.0f} {percentile(values, 0.95):8.0f} {percentile(values, 0.99):8.0f} "
              f"{p50 / base:15.2f}")  # fmt: skip
    for line in errors[:10]:
        print("error:", line)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, float(sys.argv[2]) if len(sys.argv) > 2 else 60)
