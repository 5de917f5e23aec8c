"""The shared cache's database backend: Django's own, culling what can be worked out again.

Django's database cache, once it holds more than ``MAX_ENTRIES``, deletes expired entries and
then a third of the rest *in the order of their keys*. Our keys are kept figures and panels
under a random generation token (``indicators.figures_cache``), the generations themselves and
rate-limit counters (the API's throttle, pulse answers), so the key order is random with respect
to age: a cull could drop the entries of the current generation and keep dead ones, or drop a
counter (which resets someone's rate limit) or a generation (which makes every kept entry
unreachable at once).

Here the cull, after the expired entries, drops the kept entries **written longest ago first**
(they all live for the same long time, so the earliest to expire is the oldest), and never
touches an entry that expires within a day (a counter: it goes by itself, and must count until
then) or never expires (a generation, a setting of the cache's own). If only those are left,
the table may stay over ``MAX_ENTRIES`` until they expire.

**Every key names the code that made it** (``cache_key``, the cache's ``KEY_FUNCTION``): a
fingerprint of the project's Python and templates. Kept entries hold drawn HTML and pickled
objects; after a deploy that changes a template or a class, an entry made by the old code would
show old HTML until the data next changed, or fail to load. With the fingerprint in the key the
new code starts a key space of its own (its own generations too), and while servers of both
versions run side by side in a rolling deploy neither reads the other's entries. The old
entries are culled in time like any old generation. The same checkout on two machines has the
same fingerprint, so they share their entries.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections

PROJECT = Path(__file__).resolve().parents[1]  # the evenbetter package


def code_stamp(root: Path = PROJECT) -> str:
    """A fingerprint of the Python and templates under ``root`` (their paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_this_code = functools.cache(code_stamp)  # worked out once a process, at its first use of the cache


def cache_key(key: str, key_prefix: str, version: int | str) -> str:
    """The cache's key function: Django's (prefix, version, key) with the code's fingerprint."""
    return f"{key_prefix}:{version}:{_this_code()}:{key}"


# An entry that expires sooner than this is a counter (the longest rate window is a day).
SHORT_LIVED = timedelta(days=1)


class DatabaseCache(DjangoDatabaseCache):
    def _cull(self, db: str, cursor: Any, now: datetime, num: int) -> None:
        if self._cull_frequency == 0:  # Django's "clear everything" setting: kept as it is
            super()._cull(db, cursor, now, num)  # type: ignore[misc]  # Django's private method, not in the stubs
            return
        connection = connections[db]
        quote = connection.ops.quote_name
        table_name: str = self._table  # type: ignore[attr-defined]  # set by Django's base class, not in the stubs
        table, key, expires = quote(table_name), quote("cache_key"), quote("expires")

        def adapt(moment: datetime) -> Any:
            return connection.ops.adapt_datetimefield_value(moment)

        cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [adapt(now)])  # noqa: S608 (names are ours)
        remaining = num - cursor.rowcount
        if remaining <= self._max_entries:
            return
        cursor.execute(
            f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} WHERE {expires} > %s AND {expires} < %s"  # noqa: S608 (names are ours)
            f" ORDER BY {expires}, {key} LIMIT %s)",
            [adapt(now + SHORT_LIVED), adapt(datetime.max.replace(microsecond=0)), remaining // self._cull_frequency],
        )
