"""``bench/bench_every_page.py`` counts the queries of the measured requests only: the warm-up
fills what is kept (the figures cache), so its queries are not what a reader's request runs."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

BENCH = str(Path(__file__).resolve().parent.parent / "bench")
sys.path.insert(0, BENCH)  # the bench imports its neighbour _setup as a top-level module
try:
    from bench_every_page import timed_requests
finally:
    sys.path.remove(BENCH)

pytestmark = pytest.mark.django_db


class KeepingClient:
    """A page that runs five queries the first time (filling what it keeps), then one."""

    def __init__(self) -> None:
        self.asked = 0

    def get(self, url: str) -> SimpleNamespace:
        with connection.cursor() as cursor:
            for _ in range(5 if self.asked == 0 else 1):
                cursor.execute("SELECT 1")
        self.asked += 1
        return SimpleNamespace(status_code=200)


def test_the_warm_up_queries_are_not_counted_with_the_measured_ones() -> None:
    client = KeepingClient()
    client.get("/")  # the warm-up, as measure() asks it
    times, queries = timed_requests(client, "/", 3)
    assert (len(times), queries, client.asked) == (3, 1, 4)


def test_the_most_queries_a_measured_request_ran_is_reported() -> None:
    client = KeepingClient()  # no warm-up: the first measured request fills what is kept
    assert timed_requests(client, "/", 3)[1] == 5
