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

**The generation is read once per request.** A page asks for many figures (a school's page
about eight); each key needs the generation, a read of the cache (a query of the database
cache). Within a request the first read (of the figures' generation and every kind of records'
below, together) is remembered (``_request_generation``) and used by every later key; the memo is forgotten when the request finishes and whenever this process
renews the generation. Outside a request (a worker, a command) it is read every time, so a
long-lived process never keeps an old generation.

**Records other than values** (help requests and their events, ``support``; goals,
``goals``; concerns, ``concerns``; partnership actions, ``actions``; a school's responses to its
risk score and the leads' decisions about it, ``risk_answers``; background jobs, ``jobs``, and
import runs, ``imports``, which say how fresh the figures are) keep a generation of their
own (``records_generation``, renewed by ``records_changed`` on commit), which the figures and
the kept parts of pages over them name in their scope beside the figures' generation. Within a
request every kind is read in one go with the figures' generation, the first time one is asked
for (``RECORDS``: the kinds).

``indicators`` is the lowest app with a cached figure (the data-quality summary), so this is
the one home of the rule; the apps above (benchmarks, the early warning, the dashboards) use it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

from evenbetter.schools.signals import partnership_members_changed

GENERATION_KEY = "evenbetter:figures:generation"
# Old generations' entries are never read again; this only lets the cache drop them.
FIGURES_KEPT_SECONDS = 14 * 24 * 3600
T = TypeVar("T")
_MISSING = object()


class _RequestMemo(threading.local):
    """The generation as this thread's request first read it (``None``: not read yet, or not
    in a request), and the records' generations likewise; ``active`` while a request is being
    answered."""

    active = False
    generation: str | None = None
    records: dict[str, str] | None = None
    holders: dict[str, frozenset[int]] | None = None


_request_generation = _RequestMemo()


def _request_opened(**kwargs: Any) -> None:
    _request_generation.active = True
    _request_generation.generation = None
    _request_generation.records = None
    _request_generation.holders = None


def _request_closed(**kwargs: Any) -> None:
    _request_generation.active = False
    _request_generation.generation = None
    _request_generation.records = None
    _request_generation.holders = None


request_started.connect(_request_opened, dispatch_uid="evenbetter.figures_cache.opened")
request_finished.connect(_request_closed, dispatch_uid="evenbetter.figures_cache.closed")


def _read_generation(key: str) -> str:
    generation = cache.get(key)
    if generation is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        generation = cache.get(key)
    return str(generation)


def figures_generation() -> str:
    """The current generation's token (a new one if the cache holds none); read once per
    request, with the records' (see the module's docstring)."""
    memo = _request_generation
    if not memo.active:
        return _read_generation(GENERATION_KEY)
    if memo.generation is None:
        return _read_request_generations()[0]
    return memo.generation


def _bump() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    _request_generation.generation = None  # this request reads the new one from now on


def figures_changed() -> None:
    """The data behind the figures changed: a new generation once the transaction commits
    (at once outside one; never for a transaction that rolls back)."""
    transaction.on_commit(_bump)


# The jobs' and the import runs' generations: how fresh the figures are
# (``jobs.selectors.freshness``: the newest refresh against the newest import, and whether a
# refresh is under way) is worked out from those two kinds of records alone, and kept until
# either is written (``jobs.apps``, ``indicators.apps``).
JOB_RECORDS = "jobs"
IMPORT_RECORDS = "imports"

# The kinds of records with a generation of their own: read together, once per request.
RECORDS = ("support", "goals", "concerns", "actions", "risk_answers", JOB_RECORDS, IMPORT_RECORDS)


def _records_key(records: str) -> str:
    return f"{GENERATION_KEY}:{records}"


def _read_request_generations() -> tuple[str, dict[str, str]]:
    """The figures' token and every kind of records' in one read of the cache (one query of the
    database cache), remembered for the rest of the request; a key with none gets one, as
    ``_read_generation`` does. A page that names any of them names most of them (the school
    page, the watch list): two reads were a query each."""
    keys = [GENERATION_KEY, *(_records_key(records) for records in RECORDS)]
    found = cache.get_many(keys)
    tokens = {key: str(found[key]) if found.get(key) is not None else _read_generation(key) for key in keys}
    generation = tokens[GENERATION_KEY]
    records_tokens = {records: tokens[_records_key(records)] for records in RECORDS}
    _request_generation.generation, _request_generation.records = generation, records_tokens
    return generation, records_tokens


def records_generation(records: str) -> str:
    """The token of a kind of records (``"support"``: help requests, their events and the days
    given; ``"goals"``, ``"concerns"``, ``"actions"``, ``"risk_answers"``, ``"jobs"``,
    ``"imports"``), renewed by
    ``records_changed``; figures and kept parts of pages worked out from those records name it in
    their scope. Read once per request, every kind together (see the module's docstring);
    outside a request every time."""
    if records not in RECORDS:
        raise ValueError(f"No generation is kept for records {records!r}: add them to RECORDS.")
    memo = _request_generation
    if not memo.active:
        return _read_generation(_records_key(records))
    if memo.records is None:
        return _read_request_generations()[1][records]
    return memo.records[records]


def freshness_scope() -> tuple[str, str]:
    """The generations that how fresh the figures are depends on: the scope of
    ``jobs.selectors.freshness`` and of every kept part of a page that draws it."""
    return records_generation(JOB_RECORDS), records_generation(IMPORT_RECORDS)


def records_changed(records: str) -> None:
    """Those records changed: a new token for them once the transaction commits (this request
    reads the new one from then on)."""
    if records not in RECORDS:
        raise ValueError(f"No generation is kept for records {records!r}: add them to RECORDS.")

    def renewed() -> None:
        cache.set(_records_key(records), secrets.token_hex(8), timeout=None)
        _request_generation.records = None
        _request_generation.holders = None

    transaction.on_commit(renewed)


# For each kind of records, how to find the schools that hold any worth showing at a glance
# (``records_holders_register``, by the app that owns them).
_HOLDERS: dict[str, Callable[[], frozenset[int]]] = {}


def records_holders_register(records: str, holders: Callable[[], frozenset[int]]) -> None:
    """``holders()``: the ids of the schools that hold any records of this kind worth showing
    (a goal not withdrawn, a live concern, …), read from every row, for every reader alike."""
    if records not in RECORDS:
        raise ValueError(f"No generation is kept for records {records!r}: add them to RECORDS.")
    _HOLDERS[records] = holders


def _holders_key(records: str) -> str:
    return f"evenbetter:figures:holders:{records}:{records_generation(records)}"


def _read_holders() -> dict[str, frozenset[int]]:
    keys = {records: _holders_key(records) for records in _HOLDERS}
    found = cache.get_many(list(keys.values()))
    holders = {}
    for records, key in keys.items():
        if key not in found:
            found[key] = _HOLDERS[records]()
            cache.set(key, found[key], timeout=FIGURES_KEPT_SECONDS)
        holders[records] = found[key]
    return holders


def records_holders(records: str) -> frozenset[int]:
    """The schools that hold any records of this kind worth showing, kept until those records
    change (their generation): a school outside it has none for any reader, so a page need not
    ask what the reader may see of them. It names no reader and nothing is shown from it (only
    a read that would find nothing is skipped), so it is the same for everyone. Within a request
    every kind is read in one go (one read of the cache); outside one, every time."""
    if records not in _HOLDERS:
        raise ValueError(f"No app says which schools hold records {records!r}: records_holders_register.")
    memo = _request_generation
    if not memo.active:
        return _read_holders()[records]
    if memo.holders is None:
        memo.holders = _read_holders()
    return memo.holders[records]


def _partnership_members_changed(**kwargs: Any) -> None:
    figures_changed()  # partnerships' health, the dashboards over a partnership, access to a school


# The register (below this app) says when its import changed who is in a trust or federation.
partnership_members_changed.connect(_partnership_members_changed, dispatch_uid="evenbetter.figures_cache.members")


NO_ROWS_SQL = "(no rows)"


def rows_sql(rows: Any) -> str:
    """A queryset's own SQL with its parameters, to name its rows in a key (the reader's scope
    and filters are in it). A queryset Django knows to be empty (``.none()``, ``__in=[]``) has no
    SQL (``str(query)`` raises ``EmptyResultSet``): it is named ``NO_ROWS_SQL``, which is safe to
    share, since what is worked out from no rows is the same whoever asks."""
    try:
        return str(rows.query)
    except EmptyResultSet:
        return NO_ROWS_SQL


def figures_key(name: str, *, scope: object = None, version: object = None) -> str:
    """The key of ``name`` for this ``scope``, in the current generation (or a fixed ``version``)."""
    scope_hash = hashlib.sha256(repr(scope).encode()).hexdigest()[:24]
    where = f"v{version}" if version is not None else figures_generation()
    return f"evenbetter:figures:{where}:{name}:{scope_hash}"


def school_part_key(name: str, *, user: Any, school: Any, records: str, daily: bool) -> str:
    """The key of a part of a school's page kept per reader (the school page's glance of goals,
    concerns, help and partnership life): the school, the reader's access shape
    (``schools.access.access_shape``: shared only by readers shown the same), the generation of
    the records it is drawn from, the figures' generation, and — ``daily`` — today, for a part
    whose words change with the date (overdue, behind, days since)."""
    # Here, not at the top: the apps' configs import this module before the models are loaded.
    from evenbetter.schools.access import access_shape

    scope: tuple[object, ...] = (school.pk, access_shape(user, school), records_generation(records))
    if daily:
        scope += (timezone.localdate().isoformat(),)
    return figures_key(name, scope=scope)


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
