"""Figures that are costly to work out and change only when the data does, kept in Django's cache.

The cache is the shared one in settings (``CACHES["default"]``: a table of the database, or
Redis with ``EVENBETTER_CACHE_URL``), so every web server and worker reads the same entries.

**Invalidation is by generation, not by time.** Every key carries the current *generation*,
a token kept in the cache itself. Whatever changes the figures — an import or a computed
indicator writing observations (``indicators.store.observations_write``), families and
benchmarks (``benchmarks_refresh``), a risk run — calls ``figures_changed()``, which gives
the generation a new token once its transaction commits; every entry made before is then out
of reach, and is dropped by the cache in time (``FIGURES_KEPT_SECONDS`` only clears old
generations away: it never decides what is fresh). A reader that asks between the commit
and the new token stores fresh figures under the old token, which nobody reads again; a
reader that sees the new token started after the commit, so it cannot keep old figures
under it. Losing the generation (a cache flushed or culled) only starts a new one.

**Nothing leaks across permission scopes.** A cached value is either free of scope (the
same for everyone allowed to open the page, who is checked before the cache is read) or
keyed by what the reader may see (``scope=``: for example the ids of the schools visible to
them); the scope is part of the key, hashed. Never cache a rendered page or anything that
holds a reader's own name, risk or requests under a key that does not say whose it is.

``indicators`` is the lowest app with a cached figure (the data-quality summary), so this is
the one home of the rule; the apps above (benchmarks, the early warning, the dashboards) use it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "evenbetter:figures:generation"
# Old generations' entries are never read again; this only lets the cache drop them.
FIGURES_KEPT_SECONDS = 14 * 24 * 3600
T = TypeVar("T")
_MISSING = object()


def figures_generation() -> str:
    """The current generation's token (a new one if the cache holds none)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return str(generation)


def _bump() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def figures_changed() -> None:
    """The data behind the figures changed: a new generation once the transaction commits
    (at once outside one; never for a transaction that rolls back)."""
    transaction.on_commit(_bump)


def figures_key(name: str, *, scope: object = None, version: object = None) -> str:
    """The key of ``name`` for this ``scope``, in the current generation (or a fixed ``version``)."""
    scope_hash = hashlib.sha256(repr(scope).encode()).hexdigest()[:24]
    where = f"v{version}" if version is not None else figures_generation()
    return f"evenbetter:figures:{where}:{name}:{scope_hash}"


def figures_cached(name: str, compute: Callable[[], T], *, scope: object = None, version: object = None) -> T:
    """``compute()``, or what it gave before in this generation for this scope.

    ``scope``: what the figures depend on about the reader (for example the sorted ids of the
    schools they may see), so that two readers who may see different things never share an
    entry; ``repr(scope)`` must be stable (sorted lists, tuples, strings). ``version``: a key of
    its own instead of the generation, for figures tied to one record (a data-quality run).
    """
    key = figures_key(name, scope=scope, version=version)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=FIGURES_KEPT_SECONDS)
    return value


def figures_store(name: str, value: object, *, scope: object = None, version: object) -> None:
    """Keep figures worked out ahead (by a refresh) under a fixed ``version``, once the
    transaction commits, so that the first reader after the refresh does not wait for them."""
    key = figures_key(name, scope=scope, version=version)
    transaction.on_commit(lambda: cache.set(key, value, timeout=FIGURES_KEPT_SECONDS))
