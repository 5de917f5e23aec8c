"""The audit log's CSV at national scale: time to the first byte and to the last, streamed.

    .venv/bin/python bench/bench_audit_csv.py --keep COPY.sqlite3 [--events 200000] [--repeat 5]

On a copy of a national database (``bench_every_page.py --keep``: it is written to), makes
the audit log ``--events`` long (generated page views of the demo's people, added once), then
asks for ``/audit/export.csv`` as the system lead through Django's test client: the time until
the response is handed back, until its first piece (the header) and until its last byte. The
baseline, in the same run, is the same rows written whole before anything is sent
(``csv_response``, as the export was before it streamed): the ratios are to it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from _setup import django_on_sqlite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", required=True, help="a copy of a national SQLite database (written to)")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_on_sqlite(Path(args.keep))
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from evenbetter.accounts.exports import AuditLogTable, csv_response
    from evenbetter.accounts.models import AuditEvent, User
    from evenbetter.accounts.selectors import AuditFilters, audit_events_visible_to

    settings.ALLOWED_HOSTS = ["testserver"]
    lead = User.objects.get(username="system-lead")
    missing = args.events - AuditEvent.objects.count()
    if missing > 0:
        people = list(User.objects.order_by("pk")[:10])
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(user=people[n % len(people)], action=AuditEvent.Action.RISK_VIEW, path="/watch-list/",
                           detail={"via": "bench", "n": n}, at=now)
                for n in range(missing)
            ),
            batch_size=5000,
        )  # fmt: skip
    events = AuditEvent.objects.count()
    client = Client()
    client.force_login(lead)
    url = "/audit/export.csv"
    streamed: dict[str, list[float]] = {"handed back": [], "first piece": [], "last byte": []}
    whole: list[float] = []
    size = 0
    client.get(url)  # warm-up
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = client.get(url)
        streamed["handed back"].append(time.perf_counter() - started)
        pieces = iter(response.streaming_content)
        size = len(next(pieces))
        streamed["first piece"].append(time.perf_counter() - started)
        size += sum(len(piece) for piece in pieces)
        streamed["last byte"].append(time.perf_counter() - started)
        response.close()
        # The baseline: the same rows written whole first (the export before it streamed).
        started = time.perf_counter()
        table = AuditLogTable({})
        rows = table.as_sent(audit_events_visible_to(lead, AuditFilters()))
        csv_response("audit-log", table.header(rows), table.rows(rows))
        whole.append(time.perf_counter() - started)
    baseline = statistics.median(whole)
    load = os.getloadavg()
    print(f"{events:,} audit events, CSV {size / 1e6:.1f} MB, {args.repeat} requests after a warm-up; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    print(f"{'':28} {'median ms':>10} {'× written whole':>16}")
    print(f"{'written whole (baseline)':28} {baseline * 1000:10.0f} {1.0:16.2f}")
    for what, times in streamed.items():
        median = statistics.median(times)
        print(f"{'streamed: ' + what:28} {median * 1000:10.0f} {median / baseline:16.3f}")


if __name__ == "__main__":
    main()
