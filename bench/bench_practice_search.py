"""Practice library search over 10,000 generated items: time per query.

    .venv/bin/python bench/bench_practice_search.py [items] [repeats]

Writes ``items`` generated items (``demo.practice.practice_corpus``, seeded) into a fresh
database — the full-text index is kept by the database's own triggers (SQLite FTS5) or
generated column (PostgreSQL, with DATABASE_URL) — and their vectors, then times twenty
questions in each mode: full text, semantic (meaning), and both fused, as the library
page runs them (``practice.search.search``, ids of the first 200 within what the user may
see), and the whole library page through Django's test client. Baseline in the same run:
the same questions as a plain ``icontains`` scan of titles and bodies, which is what a
search without an index costs. Targets (issue 8): median under 50 ms for full text and
under 300 ms for semantic search.
"""

from __future__ import annotations

import statistics
import sys
import time

from _setup import django_with_fresh_database, peak_rss_mb

QUESTIONS = [
    "how do other schools get boys reading?", "phonics catch-up", "persistent absence", "breakfast club",
    "times tables", "fractions", "calm corridor routine", "one-page profiles", "worry boxes", "governor visits",
    "reading for pleasure", "handwriting", "home visits", "nurture group", "daily mile", "skills audit",
    "children who are anxious", "pupils who arrive late", "planning lessons together", "speech and language",
]  # fmt: skip


def median_ms(run, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        for question in QUESTIONS:
            start = time.perf_counter()
            run(question)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main(n: int, repeats: int) -> None:
    django_with_fresh_database("practice")
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.demo.practice import practice_corpus
    from evenbetter.practice.models import ItemArea, PracticeItem
    from evenbetter.practice.search import BOTH, FULLTEXT, SEMANTIC, index_items, search

    start = time.perf_counter()
    rows = list(practice_corpus(n))
    PracticeItem.objects.bulk_create(
        [PracticeItem(kind=k, title=t, summary=s, body=b, is_generated=True) for k, _, t, s, b in rows], batch_size=1000
    )
    ids = list(PracticeItem.objects.order_by("pk").values_list("pk", flat=True))
    ItemArea.objects.bulk_create([ItemArea(item_id=pk, area=row[1]) for pk, row in zip(ids, rows, strict=True)])
    written = time.perf_counter() - start
    start = time.perf_counter()
    items = list(PracticeItem.objects.order_by("pk"))
    for i in range(0, len(items), 1000):
        index_items(items[i : i + 1000])
    embedded = time.perf_counter() - start
    print(f"{n} items on {connection.vendor}: written in {written:.1f} s, vectors in {embedded:.1f} s")

    everything = PracticeItem.objects.all()
    search(everything, "warm up")  # load the model and the vectors once, as a running server has

    def scan(question: str) -> int:
        found = Q()
        for word in question.replace("?", "").split():
            found |= Q(title__icontains=word) | Q(body__icontains=word)
        return everything.filter(found).count()  # every row read, as ranking them all would need

    results = {
        "baseline: icontains scan, no index": median_ms(scan, max(1, repeats // 3)),
        "full text (FTS5 / tsvector)": median_ms(lambda q: search(everything, q, mode=FULLTEXT), repeats),
        "semantic (wordllama vectors)": median_ms(lambda q: search(everything, q, mode=SEMANTIC), repeats),
        "both, fused (the default)": median_ms(lambda q: search(everything, q, mode=BOTH), repeats),
    }
    user = User.objects.create_user("bench-reader")
    Membership.objects.create(user=user, role=Role.SYSTEM_LEAD)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def page(question: str) -> None:
        response = client.get("/practice/", {"q": question})
        assert response.status_code == 200, response.status_code

    results["the library page, both (test client)"] = median_ms(page, max(1, repeats // 3))
    base = results["baseline: icontains scan, no index"][0]
    print(f"{'':40} {'median ms':>10} {'p95 ms':>8} {'vs scan':>8}")
    for name, (median, p95) in results.items():
        print(f"{name:40} {median:10.1f} {p95:8.1f} {median / base:8.2f}")
    print(f"peak memory {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
