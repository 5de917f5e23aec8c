"""One page as one of the demo's people, on a copy of a national database: its time, its
queries (slowest first) and a cProfile of one request.

    .venv/bin/python bench/profile_page.py COPY.sqlite3 system-lead /dashboard/ [requests] [--sql] [--no-gc]

The database is a copy made by ``bench_every_page.py --keep`` (the demo's accounts: system-lead,
partnership-lead, school-leader, governor, partner-agency). One warm-up request fills what is
kept; then the requests are timed, one more is asked with every query timed, and one more is
profiled. A streamed response is read to its last byte. ``--sql`` lists every query of the
timed request in the order asked, each with the code of ours that asked for it (the innermost
frame under ``evenbetter/`` and the one that called it), then the slowest fifteen.
"""

from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from _setup import django_on_sqlite

OURS = f"{os.sep}evenbetter{os.sep}"


def callers() -> str:
    """The code of ours that asked for a query: the innermost two frames under ``evenbetter/``
    (a selector and what called it), as ``file:line function``."""
    ours = [frame for frame in traceback.extract_stack() if OURS in frame.filename][-2:]
    return (
        " < ".join(f"{frame.filename.split(OURS)[-1]}:{frame.lineno} {frame.name}" for frame in reversed(ours))
        or "(Django: the session, the user)"
    )


def main() -> None:
    database, role, url = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else 3
    django_on_sqlite(Path(database))
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from evenbetter.accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    if "--no-gc" in sys.argv:
        gc.disable()
    client = Client()
    client.force_login(User.objects.get(username=role))

    def get() -> Any:
        response = client.get(url)
        if getattr(response, "streaming", False):
            for _ in response.streaming_content:
                pass
            response.close()
        return response

    print("status", get().status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    print("ms", [round(t) for t in times], "load average", " ".join(f"{n:.1f}" for n in os.getloadavg()))
    queries: list[tuple[float, str, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, callers()))

    with connection.execute_wrapper(timed):
        get()
    print(f"{len(queries)} queries, {sum(ms for ms, _, _ in queries):.0f} ms in the database")
    if "--sql" in sys.argv:
        for number, (ms, sql, by) in enumerate(queries, 1):
            print(f"{number:3} {ms:6.1f} {by}\n           {sql[:200]}")
        print("slowest:")
        for ms, sql, by in sorted(queries, reverse=True)[:15]:
            print(f"{ms:8.1f} {by}\n           {sql[:300]}")
    profile = cProfile.Profile()
    profile.enable()
    get()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


if __name__ == "__main__":
    main()
