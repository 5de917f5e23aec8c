"""Load: 50 people browsing at once for 60 seconds, against gunicorn on the loopback.

    .venv/bin/python bench/load_test.py [users] [seconds] [--workers N --threads N] [--keep DIR]
    .venv/bin/python bench/load_test.py 50 60 --keep DIR --from national.sqlite3
    bash scripts/with-postgres.sh .venv/bin/python bench/load_test.py [users] [seconds]

Builds national scale in a fresh database: all of ``national-2019/`` (23,939 schools;
from ``settings.EVENBETTER_DATA_DIR``, ``data/england/`` in the repository by default),
every family and benchmark (each school's strengths and areas kept with them), each school's
contact summary, and an early-warning run over every school (its scores are
drawn at random, seeded — the load is what matters here, not the model). Then starts
gunicorn (as docs/operations.md recommends for 2 cores, with the same settings) on a free
loopback port and runs two phases of ``seconds`` each with ``users`` threads, each signed in
(half as a system lead, half as a partnership lead):

1. the stack's own limit: every user asks only for the lightest signed-in page (the
   password form), so the throughput is what gunicorn, Django, the middleware, the session
   and the database connection can serve at this concurrency;
2. the realistic mix: school pages with their benchmarks (60%), a school's family (10%),
   the explorer (10%), the watch list (10%) and the lightest page (10%).

Bounded in time and in requests (at most 1,000 per user and phase: at 200 the lightest phase
was cut short in 38–57 s on this machine, session 11; 1,000 leaves it the whole minute). Reports requests, errors
(anything but 200, or no answer within 60 s), throughput and p50/p95/p99 per kind of page,
and the mix's throughput as a ratio of the lightest page's. Exits 1 on any error.
``--keep DIR`` (SQLite only) keeps the built database in DIR and reuses it next time, to
compare server settings without building national scale again. ``--from FILE`` (SQLite only)
starts instead from a copy of a national database built before — ``bench_every_page.py
--keep FILE`` builds a richer one (the simulator's partnership life, every refresh, the demo's
people) — and adds the two people who browse and their cluster to the copy; the file itself
is only read. ``--schools N``: how many schools the school pages are drawn from (2,000).
A database that holds the two people already (``--keep``, ``--from``, or the same PostgreSQL
server asked again) is not built again. Every run starts as after a refresh: the shared cache
emptied, then every school's glance drawn ahead for system leads, the refresh's last step
(``--cold``: not drawn ahead, as before session 14). The gunicorn it starts has the settings of
this process (the database cache's ``MAX_ENTRIES`` too: the default holds national scale).
"""

from __future__ import annotations

import argparse
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
LIGHTEST = [("baseline", 1)]
MAX_REQUESTS_PER_USER = 1000  # a phase ends by time, not by this (docs/benchmarks.md, session 12)
# As docs/operations.md recommends for 2 cores.
WORKERS, THREADS = 3, 4


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def build() -> None:
    """National data, families, benchmarks, a risk run and the two people who browse."""
    from django.conf import settings

    from evenbetter.benchmarks.services import benchmarks_refresh
    from evenbetter.earlywarning.models import RiskRun, RiskScore
    from evenbetter.ingest.runner import import_path
    from evenbetter.schools.models import School

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
    people()
    print(f"national scale built in {time.perf_counter() - started:.0f} s: {len(schools):,} schools")


def copied_from(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included), through SQLite's
    own backup: the source is only read."""
    import sqlite3

    if not source.exists():
        raise SystemExit(f"load_test: no database at {source}")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)


def people() -> None:
    """The two people who browse (a system lead, the lead of a cluster of 40 schools), once."""
    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.schools.models import Partnership, PartnershipMembership, School

    if User.objects.filter(username="load-system").exists():
        return
    schools = list(School.objects.order_by("pk").values_list("pk", flat=True)[:40])
    cluster = Partnership.objects.create(name="Load test cluster", slug="load-test", kind=Partnership.Kind.CLUSTER)
    PartnershipMembership.objects.bulk_create(
        [PartnershipMembership(partnership=cluster, school_id=pk) for pk in schools]
    )
    for username, role, scope in (
        ("load-system", Role.SYSTEM_LEAD, {}),
        ("load-partnership", Role.PARTNERSHIP_LEAD, {"partnership": cluster}),
    ):
        user = User.objects.create_user(username)
        Membership.objects.create(user=user, role=role, **scope)


def kept_for_pages() -> None:
    """What the refresh keeps for the school page (each school's strengths and areas, its glance
    of the data, and its contact summary as at today), worked out here when the database was built before they
    were kept (a copy of an older national database) or on another day."""
    from django.utils import timezone

    from evenbetter.benchmarks.models import SchoolStrengths
    from evenbetter.benchmarks.services import strengths_keep
    from evenbetter.indicators.models import SchoolDataGlance
    from evenbetter.indicators.services import data_glance_keep
    from evenbetter.partnerships.models import SchoolContactSummary
    from evenbetter.partnerships.services import contact_summaries_keep

    started = time.perf_counter()
    if not SchoolStrengths.objects.exists():
        print(f"strengths and areas of {strengths_keep():,} schools kept in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    if not SchoolDataGlance.objects.exists():
        print(f"glance of the data of {data_glance_keep():,} schools kept in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    if not SchoolContactSummary.objects.filter(as_of=timezone.localdate()).exists():
        kept = contact_summaries_keep()
        print(f"contact summaries of {kept:,} schools kept in {time.perf_counter() - started:.0f} s")


def drawn_ahead_as_after_a_refresh() -> None:
    """The refresh's last step, every school's glance drawn ahead for system leads
    (``ops.drawn_ahead``), with what it took."""
    from evenbetter.ops.drawn_ahead import glances_drawn_ahead

    started, cpu = time.perf_counter(), time.process_time()
    drawn = glances_drawn_ahead()
    print(
        f"school pages drawn ahead (the refresh's last step): {drawn:,} in {time.perf_counter() - started:.0f} s "
        f"({(time.process_time() - cpu) * 1000 / max(drawn, 1):.1f} ms of CPU each)"
    )


def pages_and_sessions(schools: int = 2000) -> tuple[list[str], list[str], dict[str, str]]:
    """The pages to browse and a session for each of the two people."""
    from django.conf import settings
    from django.test import Client

    from evenbetter.accounts.models import User
    from evenbetter.benchmarks.models import FamilyMember
    from evenbetter.schools.models import School

    sessions = {}
    for user in User.objects.filter(username__in=["load-system", "load-partnership"]).order_by("username"):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    rng = random.Random(2026)
    with_family = list(FamilyMember.objects.values_list("school_id", flat=True).distinct())
    sample = rng.sample(with_family, min(schools, len(with_family)))
    urls = [School.objects.get(pk=pk).get_absolute_url() for pk in sample]
    family = [f"/schools/id/{pk}/family/" for pk in sample[:300]]
    return urls, family, sessions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def warm_up(port: int, session: str) -> None:
    """Wait until gunicorn's workers answer: the port is open before they have loaded the application."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/accounts/password/change/", headers={"Cookie": f"sessionid={session}"})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 3 minutes")


def browse_phase(
    mix: list[tuple[str, int]],
    users: int,
    seconds: float,
    port: int,
    pages: tuple[list[str], list[str]],
    sessions: dict[str, str],
) -> tuple[dict[str, list[float]], list[str], float]:
    """``users`` threads browsing ``mix`` for ``seconds``: times by kind of page, errors, wall time."""
    urls, family = pages
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    kinds = [k for k, w in mix for _ in range(w)]

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
                # A new connection for each request, as from the reverse proxy in front of gunicorn in
                # production (docs/operations.md): 50 kept-alive connections would stay with
                # whichever worker accepted them first, however busy it is.
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "Connection": "close"})
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
    return times, errors, time.perf_counter() - started


def report(
    title: str, mix: list[tuple[str, int]], times: dict[str, list[float]], errors: list[str], wall: float
) -> float:
    """Print one phase; return its throughput in requests a second."""
    total = sum(len(v) for v in times.values())
    base = statistics.median(times["baseline"]) if times["baseline"] else float("nan")
    print(f"{title}: {total} requests in {wall:.0f} s ({total / wall:.1f}/s), {len(errors)} errors")
    print(f"  {'page':12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50 × baseline':>15}")
    for kind, _ in mix:
        values = times[kind]
        p50 = percentile(values, 0.5)
        print(f"  {kind:12} {len(values):8} {p50:8.0f} {percentile(values, 0.95):8.0f} "
              f"{percentile(values, 0.99):8.0f} {p50 / base:15.2f}")  # fmt: skip
    for line in errors[:10]:
        print("  error:", line)
    return total / wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("users", type=int, nargs="?", default=50)
    parser.add_argument("seconds", type=float, nargs="?", default=60)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--keep", type=Path, help="SQLite only: build the database in this folder once, reuse it after")
    parser.add_argument(
        "--from", dest="source", type=Path, help="SQLite only, with --keep: start from a copy of this national database"
    )
    parser.add_argument("--schools", type=int, default=2000, help="how many schools the school pages are drawn from")
    parser.add_argument(
        "--cold", action="store_true", help="leave out the refresh's drawing ahead: every first view draws its glance"
    )
    args = parser.parse_args()
    if args.source is not None and args.keep is None:
        parser.error("--from needs --keep DIR: the folder the copy is made in")
    kept = args.keep is not None and (args.keep / "load.sqlite3").exists()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.keep.resolve() / 'load.sqlite3'}"
        if args.source is not None and not kept:
            started = time.perf_counter()
            copied_from(args.source, args.keep / "load.sqlite3")
            print(f"copied {args.source} in {time.perf_counter() - started:.0f} s")
            kept = True
    django_with_fresh_database("load")
    from django.core.cache import cache
    from django.db import connection

    from evenbetter.accounts.models import User

    # A database built before (the same PostgreSQL server, asked again) is not built again.
    if not kept and not User.objects.filter(username="load-system").exists():
        build()
    people()
    kept_for_pages()
    # Every run starts as after a refresh: the shared cache emptied (what a page keeps is worked
    # out again during the run), then the refresh's last step, every school's glance drawn ahead
    # for system leads (``ops.drawn_ahead``); ``--cold`` leaves that out (every first view draws).
    cache.clear()
    if not args.cold:
        drawn_ahead_as_after_a_refresh()
    urls, family, sessions = pages_and_sessions(args.schools)
    connection.close()
    port = free_port()
    # The same EVENBETTER_VAR_DIR as this process (see _setup), so the same secret key signs the sessions.
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        warm_up(port, next(iter(sessions.values())))
        # Every worker and thread answers once, untimed, before the timed phases.
        browse_phase(LIGHTEST, args.users, 5, port, (urls, family), sessions)
        print(f"{args.users} users, {args.seconds:.0f} s a phase, on {connection.vendor}; "
              f"gunicorn {args.workers} workers × {args.threads} threads; school pages of {len(urls):,} schools; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
        lightest = browse_phase(LIGHTEST, args.users, args.seconds, port, (urls, family), sessions)
        mix = browse_phase(MIX, args.users, args.seconds, port, (urls, family), sessions)
    finally:
        server.terminate()
        server.wait(timeout=30)
    limit = report("the lightest page alone (the stack's own limit)", LIGHTEST, *lightest)
    realistic = report("the realistic mix", MIX, *mix)
    print(f"ratio realistic mix / lightest page alone: {realistic / limit:.2f} (goal: at least 0.5)")
    sys.exit(1 if lightest[1] or mix[1] else 0)


if __name__ == "__main__":
    main()
