"""The load test's pages one at a time, as the mix meets them: server time per kind of page.

    .venv/bin/python bench/bench_mix_first_views.py --keep DIR [--schools 20] [--cpu]

Opens the database ``load_test.py --keep DIR`` built or copied (``DIR/load.sqlite3``; or
``DATABASE_URL``, e.g. the PostgreSQL server it built), empties the shared cache, draws every
school's glance ahead for system leads as the refresh's last step does (``--cold``: not), and asks
through Django's test client (the whole server side, no network, no queue), as each of the
load test's two people: the password form (the baseline), ``--schools`` school pages each
opened once (first views: nothing kept yet for that school, as most of the mix's 400–900
school pages of 2,000 schools are), families, the explorer and the watch list (asked again
and again, as in the mix), and the same school pages again ("school again": a page whose kept
parts are there, as the rest of the mix's school pages are; shown apart, not weighted). Prints each kind's median and its ratio to the password form, and
the mix's weighted server time per request (school 60 %, the rest 10 % each) with its ratio:
the mix can reach half the lightest page's throughput only when that ratio is about 2.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from _setup import django_with_fresh_database

WEIGHTS = {"school": 60, "family": 10, "explorer": 10, "watch list": 10, "baseline": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="the folder load_test.py --keep built or copied into")
    parser.add_argument("--schools", type=int, default=20, help="school pages opened once each, per person")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="this process's CPU time instead of the wall clock (steadier on a shared machine; on SQLite the "
        "database's work is in it, on PostgreSQL the server's is not)",
    )
    parser.add_argument("--cold", action="store_true", help="no glance drawn ahead (as the load test's --cold)")
    args = parser.parse_args()
    if args.keep is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.keep.resolve() / 'load.sqlite3'}"
    django_with_fresh_database("mix-first-views")
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from load_test import drawn_ahead_as_after_a_refresh, kept_for_pages, pages_and_sessions

    from evenbetter.accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    # As the load test: what the refresh keeps for the school page, as at today (the contact
    # summaries are kept by day: a database built yesterday has none for today).
    kept_for_pages()
    cache.clear()
    if not args.cold:  # as the load test: after a refresh, whose last step draws every glance ahead
        drawn_ahead_as_after_a_refresh()
    urls, family, _ = pages_and_sessions()
    rng = random.Random(8)
    clock = time.process_time if args.cpu else time.perf_counter
    print(
        f"{'CPU' if args.cpu else 'wall'} time, on {connection.vendor}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"  {'person':17} {'page':10} {'n':>3} {'median ms':>10} {'× password form':>16}")
    for username in ("load-system", "load-partnership"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get("/accounts/password/change/")  # the connection and the templates, once
        schools = rng.sample(urls, args.schools)
        asked = {
            "baseline": ["/accounts/password/change/"] * 10,
            "school": schools,
            "family": rng.sample(family, 10),
            "explorer": ["/explore/?indicator=ks4_attainment8&period=2018%2F19"] * 6,
            "watch list": ["/watch-list/"] * 6,
            # The same schools opened again by the same person: what the mix meets when a page
            # drawn before comes round again (not in the mix's weights below).
            "school again": schools,
        }
        medians = {}
        for kind, paths in asked.items():
            times = []
            for path in paths:
                started = clock()
                response = client.get(path)
                times.append((clock() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
            medians[kind] = statistics.median(times)
        for kind, median in medians.items():
            print(f"  {username:17} {kind:10} {len(asked[kind]):3} {median:10.1f} {median / medians['baseline']:16.1f}")
        mix = sum(WEIGHTS[kind] * medians[kind] for kind in WEIGHTS) / sum(WEIGHTS.values())
        print(f"  {username:17} {'the mix':10} {'':3} {mix:10.1f} {mix / medians['baseline']:16.1f}")


if __name__ == "__main__":
    main()
