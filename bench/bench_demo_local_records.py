"""The demo's local records alone (the simulator's contacts, meetings, actions, board meetings
and challenges, returns and the team around each school, written for the real register's open
schools in the demo's clusters), in CPU seconds of this process; then a checksum of every row of
the board meetings and challenges, ids included, and of the actions, to check that two checkouts
write the same (the contacts' checksum differs from run to run: each keeps the time it was written).

    cd bench && ../.venv/bin/python bench_demo_local_records.py     # in each checkout, side by side

SQLite unless DATABASE_URL says otherwise. Run from the checkout's bench/ directory: its code is
the one measured.
"""

from __future__ import annotations

import hashlib
import json
import time

from _setup import django_with_fresh_database


def main() -> None:
    django_with_fresh_database("local-records")
    from django.db import connection

    from evenbetter.demo import services
    from evenbetter.demo.local_records import demo_generate_local_records

    services.demo_import_register()
    services.demo_make_clusters()
    cpu = time.process_time()
    demo_generate_local_records()
    print(f"local records: {time.process_time() - cpu:.2f} CPU s")
    for table in ("partnerships_boardmeeting", "partnerships_challenge", "partnerships_action", "partnerships_contact"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (our own names)
            rows = cursor.fetchall()
        print(
            f"{table}: {len(rows)} rows, sha256 {hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:16]}"
        )


if __name__ == "__main__":
    main()
