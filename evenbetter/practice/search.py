"""Find what works: full-text search in the database's own index, semantic search over
the items' vectors, and the two fused.

- **Full text**: SQLite's FTS5 (porter stemming, bm25 with the title weighted 10, the
  summary 4, the body 1) or PostgreSQL's ``tsvector`` (English stemming, ``ts_rank_cd``
  with the title weighted A, summary B, body C). Every word must match (a word may be the
  start of a longer one on SQLite); when no item has them all, all but one will do, and
  then any one; such a list counts in proportion to the words it matched. Words
  such as "how", "do", "schools" are left out (``STOP_WORDS``).
- **Semantic**: the query's vector against every published item's (cosine), from an
  in-memory matrix rebuilt whenever an item's vector changes (``analytics/semantic.py``).
- **Both** (the default): reciprocal rank fusion of the two lists, so an item near the
  top of either rises, and a phrasing that shares no word with the item still finds it.

Filters (area, phase, kind) and who may see what apply to every mode: the search returns
only the ids of items in the queryset it is given, in rank order.
"""

from __future__ import annotations

import re
import threading

import numpy as np
from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone

from evenbetter.analytics import semantic
from evenbetter.practice.models import PracticeItem, Visible

FULLTEXT, SEMANTIC, BOTH = "text", "meaning", "both"
MODES = {BOTH: "Words and meaning", FULLTEXT: "Words only", SEMANTIC: "Meaning only"}
CANDIDATES = 200
_WORD = re.compile(r"\w+", re.UNICODE)


# Words that say nothing about what is wanted ("how do other schools ..."): left out of the
# full-text query, where they would match every item (FTS5 has no stop words of its own).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "get",
        "got",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "other",
        "others",
        "school",
        "schools",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "us",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "without",
        "you",
        "your",
    ]
)


def _words(query: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(query)][:20]
    return [w for w in words if w not in STOP_WORDS] or words


def _levels(words: list[str]) -> list[tuple[list[list[str]], float]]:
    """The queries to try in turn: every word; else all but one (any of them); else any
    word. Each comes with how much of the question a match on it covers."""
    n = len(words)
    levels = [([words], 1.0)]
    if n >= 3:
        head = words[:8]
        levels.append(([[w for w in head if w != left_out] for left_out in head], (n - 1) / n))
    if n >= 2:
        levels.append(([[w] for w in words], 1 / n))
    return levels


def fulltext_ranked(query: str, *, limit: int = CANDIDATES) -> tuple[list[int], float]:
    """Ids of items matching the words, best first (every status: the caller filters), and
    the share of the question's words they match: 1 when an item has every word; when none
    has, the items with all but one, then those with any."""
    words = _words(query)
    if not words or connection.vendor not in ("sqlite", "postgresql"):
        return [], 0.0
    with connection.cursor() as cursor:
        for groups, coverage in _levels(words):
            if connection.vendor == "sqlite":
                match = " OR ".join("(" + " AND ".join(f'"{w}"*' for w in group) + ")" for group in groups)
                cursor.execute(
                    "SELECT rowid FROM practice_fts WHERE practice_fts MATCH %s "
                    "ORDER BY bm25(practice_fts, 10.0, 4.0, 1.0) LIMIT %s",
                    [match, limit],
                )
            else:
                tsquery = " | ".join("(" + " & ".join(group) + ")" for group in groups)
                cursor.execute(
                    "SELECT id FROM practice_practiceitem, to_tsquery('english', %s) query "
                    "WHERE search @@ query ORDER BY ts_rank_cd(search, query) DESC, id LIMIT %s",
                    [tsquery, limit],
                )
            found = [row[0] for row in cursor.fetchall()]
            if found:
                return found, coverage
    return [], 0.0


def fulltext_ids(query: str, *, limit: int = CANDIDATES) -> list[int]:
    return fulltext_ranked(query, limit=limit)[0]


class _VectorCache:
    """Published items' vectors as one matrix, rebuilt when any item changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, semantic.DIMENSIONS), dtype=np.float32)

    def get(self) -> tuple[np.ndarray, np.ndarray]:
        published = PracticeItem.objects.filter(status=Visible.PUBLISHED)
        key = (connection.settings_dict["NAME"], published.count(), published.aggregate(m=Max("updated_at"))["m"])
        with self._lock:
            if key != self._key:
                rows = list(published.exclude(embedding=None).order_by("pk").values_list("pk", "embedding"))
                self._ids = np.array([pk for pk, _ in rows], dtype=np.int64)
                self._matrix = semantic.from_bytes([bytes(blob or b"") for _, blob in rows])
                self._key = key
            return self._ids, self._matrix


VECTORS = _VectorCache()


def semantic_ids(query: str, *, limit: int = CANDIDATES) -> list[int]:
    if not _words(query):
        return []
    ids, matrix = VECTORS.get()
    rows, _ = semantic.nearest(semantic.embed([query])[0], matrix, limit)
    return [int(ids[r]) for r in rows]


def search(items: QuerySet[PracticeItem], query: str, *, mode: str = BOTH) -> list[int]:
    """Ids of the items (within ``items``) that answer the query, best first."""
    rankings, weights = [], []
    if mode in (FULLTEXT, BOTH):
        ids, coverage = fulltext_ranked(query)
        # A match on only some of the words is weaker evidence than a match on all of them.
        rankings.append(ids)
        weights.append(coverage)
    if mode in (SEMANTIC, BOTH):
        rankings.append(semantic_ids(query))
        weights.append(1.0)
    ranked = semantic.fuse(rankings, weights=weights) if len(rankings) > 1 else (rankings[0] if rankings else [])
    allowed = set(items.filter(pk__in=ranked).values_list("pk", flat=True))
    return [pk for pk in ranked if pk in allowed]


def item_text(item: PracticeItem) -> str:
    """What an item's vector is made from: the title counts twice, as it says what it is."""
    return f"{item.title}. {item.title}. {item.summary}\n{item.body}"


def index_items(items: list[PracticeItem]) -> None:
    """Store each item's vector (its text's meaning) for semantic search."""
    if not items:
        return
    vectors = semantic.embed([item_text(item) for item in items])
    now = timezone.now()
    for item, vector in zip(items, vectors, strict=True):
        item.embedding = semantic.to_bytes(vector)
        item.updated_at = now  # so the search's cache of vectors sees the change
    PracticeItem.objects.bulk_update(items, ["embedding", "updated_at"], batch_size=500)
