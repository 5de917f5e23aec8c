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

**Small figures asked on most pages are kept beside the generations** (``kept_beside``: the
newest risk run; for each kind of records, the schools that hold any worth showing): each under
a key of its own with the tokens it was worked out under, read in the same read of the cache as
the generations, and used only while those tokens are the current ones. A page that names a
generation pays no read of its own for them.

``indicators`` is the lowest app with a cached figure (the data-quality summary), so this is
the one home of the rule; the apps above (benchmarks, the early warning, the dashboards) use it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.utils import timezone

from evenbetter.schools.signals import partnership_members_changed

GENERATION_KEY = "evenbetter:figures:generation"
FIGURES = "figures"  # the figures' own generation, as named in ``kept_beside_register(after=…)``
# Old generations' entries are never read again; this only lets the cache drop them.
FIGURES_KEPT_SECONDS = 14 * 24 * 3600
T = TypeVar("T")
_MISSING = object()


class _RequestMemo(threading.local):
    """The generation as this thread's request first read it (``None``: not read yet, or not
    in a request), the records' generations and what is kept beside them likewise; ``active``
    while a request is being answered."""

    active = False
    generation: str | None = None
    records: dict[str, str] | None = None
    # What is kept beside the generations (``kept_beside``): the entries as read with them, and
    # the values this request has used (each checked against the tokens once).
    beside_read: dict[str, tuple[tuple[str, ...], object]] | None = None
    beside: dict[str, object] | None = None
    # The generations this request's own writes will renew once they commit: what is kept beside
    # them is worked out afresh for the rest of the request (it reads its own writes) and not kept.
    written: frozenset[str] = frozenset()
    # Each school's own tokens of the kinds of records kept per school (``school_records_token``),
    # by school id, as first read in this request.
    schools: dict[int, dict[str, str]] | None = None

    def forget(self) -> None:
        self.generation = None
        self.records = None
        self.beside_read = None
        self.beside = None
        self.schools = None

    def wrote(self, kind: str) -> None:
        if self.active:
            self.written |= {kind}
            self.beside = None


_request_generation = _RequestMemo()


def _request_opened(**kwargs: Any) -> None:
    _request_generation.active = True
    _request_generation.forget()
    _request_generation.written = frozenset()


def _request_closed(**kwargs: Any) -> None:
    _request_generation.active = False
    _request_generation.forget()
    _request_generation.written = frozenset()


@contextmanager
def read_as_in_a_request() -> Iterator[None]:
    """Within the block, the generations and what is kept beside them are read once and
    remembered, as in a request (a worker drawing one school's page ahead: ``pages.registry
    .draw_ahead``); forgotten when it ends, so a long-lived process never keeps them."""
    _request_opened()
    try:
        yield
    finally:
        _request_closed()


request_started.connect(_request_opened, dispatch_uid="evenbetter.figures_cache.opened")
request_finished.connect(_request_closed, dispatch_uid="evenbetter.figures_cache.closed")


def in_request() -> bool:
    """Whether this thread is answering a request (what is read once per request is remembered)."""
    return _request_generation.active


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
    _request_generation.forget()  # this request reads the new one (and what is kept beside) from now on


def figures_changed() -> None:
    """The data behind the figures changed: a new generation once the transaction commits
    (at once outside one; never for a transaction that rolls back)."""
    _request_generation.wrote(FIGURES)
    transaction.on_commit(_bump)


# The jobs' and the import runs' generations: how fresh the figures are
# (``jobs.selectors.freshness``: the newest refresh against the newest import, and whether a
# refresh is under way) is worked out from those two kinds of records alone, and kept until
# either is written (``jobs.apps``, ``indicators.apps``).
JOB_RECORDS = "jobs"
IMPORT_RECORDS = "imports"

# The kinds of records with a generation of their own: read together, once per request.
RECORDS = ("support", "goals", "concerns", "actions", "risk_answers", JOB_RECORDS, IMPORT_RECORDS)
# The kinds whose parts of a school's page are kept per school (``school_part_key``): a write that
# names its schools (``records_changed(…, schools=…)``) renews only theirs.
PER_SCHOOL = ("support", "goals", "concerns", "actions", IMPORT_RECORDS)


def _records_key(records: str) -> str:
    return f"{GENERATION_KEY}:{records}"


def _epoch_key(records: str) -> str:
    """The token of a kind's parts of every school's page, renewed by a write that names no schools."""
    return f"{GENERATION_KEY}:{records}:every-school"


def _school_key(records: str, school: int) -> str:
    return f"{GENERATION_KEY}:{records}:school:{school}"


def school_records_token(records: str, school: int) -> tuple[str, str]:
    """What a kept part of ``school``'s page drawn from records of this kind names: the kind's
    token for every school's parts and the school's own, renewed by a write that names the
    school (``records_changed(…, schools=…)``). A concern raised about one school leaves every
    other school's kept glance as it was. In a request, read with the generations when the page
    said which school it is about (``school_generations_read``), else in one read of its own."""
    if records not in PER_SCHOOL:
        raise ValueError(f"Records {records!r} are not kept per school: add them to PER_SCHOOL.")
    memo = _request_generation
    if not memo.active:
        found = cache.get_many([_epoch_key(records), _school_key(records, school)])
        epoch = found.get(_epoch_key(records))
        return (str(epoch) if epoch is not None else _read_generation(_epoch_key(records))), str(
            found.get(_school_key(records, school), "0")
        )
    tokens = memo.records if memo.records is not None else _read_request_generations(school)[1]
    schools = memo.schools if memo.schools is not None else {}
    if school not in schools:
        schools[school] = _school_tokens(school, cache.get_many([_school_key(kind, school) for kind in PER_SCHOOL]))
        memo.schools = schools
    return tokens[_epoch_key(records)], schools[school][records]


def school_generations_read(school: int) -> None:
    """A page about ``school`` is about to name its generations: read them now with the school's
    own tokens (one read of the cache for both), unless this request has read them already."""
    memo = _request_generation
    if memo.active and memo.records is None:
        _read_request_generations(school)


def _read_request_generations(school: int | None = None) -> tuple[str, dict[str, str]]:
    """The figures' token and every kind of records' in one read of the cache (one query of the
    database cache), remembered for the rest of the request; a key with none gets one, as
    ``_read_generation`` does. A page that names any of them names most of them (the school
    page, the watch list): two reads were a query each. With ``school``, that school's own
    tokens (``school_records_token``) in the same read."""
    keys = [GENERATION_KEY, *(_records_key(records) for records in RECORDS), *map(_epoch_key, PER_SCHOOL)]
    own = [_school_key(records, school) for records in PER_SCHOOL] if school is not None else []
    found = cache.get_many([*keys, *(_beside_key(name) for name in _BESIDE), *own])
    tokens = {key: str(found[key]) if found.get(key) is not None else _read_generation(key) for key in keys}
    generation = tokens[GENERATION_KEY]
    records_tokens = {records: tokens[_records_key(records)] for records in RECORDS}
    records_tokens |= {_epoch_key(records): tokens[_epoch_key(records)] for records in PER_SCHOOL}
    memo = _request_generation
    memo.generation, memo.records = generation, records_tokens
    memo.beside_read = {name: found[_beside_key(name)] for name in _BESIDE if _beside_key(name) in found}
    memo.beside = {}
    memo.schools = {}
    if school is not None:
        memo.schools[school] = _school_tokens(school, found)
    return generation, records_tokens


def _school_tokens(school: int, found: dict[str, Any]) -> dict[str, str]:
    """A school's own token of each kind kept per school, from what a read of the cache found
    ("0": never renewed for that school alone since the kind's last renewal for every school)."""
    return {records: str(found.get(_school_key(records, school), "0")) for records in PER_SCHOOL}


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


def records_changed(records: str, *, schools: Iterable[int | None] | None = None) -> None:
    """Those records changed: a new token for them once the transaction commits (this request
    reads the new one from then on). ``schools``: the ids of the only schools whose own parts of
    a page the write can change (a concern's school; ``None`` ids are left out), for a kind kept
    per school (``PER_SCHOOL``); without it, every school's (``school_records_token``). The
    kind's own token, which figures over many schools name, is renewed either way."""
    if records not in RECORDS:
        raise ValueError(f"No generation is kept for records {records!r}: add them to RECORDS.")
    if schools is not None and records not in PER_SCHOOL:
        raise ValueError(f"Records {records!r} are not kept per school: add them to PER_SCHOOL.")
    named = None if schools is None else sorted({pk for pk in schools if pk is not None})

    def renewed() -> None:
        changed = {_records_key(records): secrets.token_hex(8)}
        if records in PER_SCHOOL:
            if named is None:
                changed[_epoch_key(records)] = secrets.token_hex(8)
            else:
                changed |= {_school_key(records, pk): secrets.token_hex(8) for pk in named}
        cache.set_many(changed, timeout=None)
        _request_generation.forget()

    _request_generation.wrote(records)
    transaction.on_commit(renewed)


_UNKNOWN = object()


def school_records_tracked(records: str, model: type[Any], field: str) -> None:
    """Each row of ``model`` saved renews the kind's parts of the page of the school it is about
    (``field``: the id of its school, e.g. ``"school_id"``) and of the school it was about when
    loaded, should the save have moved it; a row loaded without that field renews every school's.
    Connected once, at start-up (``post_init`` remembers the school a row was loaded with, no
    query; ``post_save`` renews). A write without the signal calls ``records_changed`` itself."""
    at_load = f"_evenbetter_{field}_at_load"

    def loaded(*, instance: Any, **kwargs: Any) -> None:
        instance.__dict__[at_load] = instance.__dict__.get(field, _UNKNOWN)

    def saved(*, instance: Any, created: bool, **kwargs: Any) -> None:
        before, now = instance.__dict__.get(at_load, _UNKNOWN), instance.__dict__.get(field, _UNKNOWN)
        if _UNKNOWN in (before, now) and not created:
            records_changed(records)  # which school it was about is not known: every school's
        else:
            records_changed(records, schools=[now] if created else [before, now])
        instance.__dict__[at_load] = now

    post_init.connect(loaded, sender=model, weak=False, dispatch_uid=f"evenbetter-{records}-school-at-load")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"evenbetter-{records}-school-records")


# Values kept beside the generations (``kept_beside_register``): the figure's name, the
# generations it is worked out from ("figures", or a kind of records), and how to work it out.
_BESIDE: dict[str, tuple[tuple[str, ...], Callable[[], object]]] = {}


def _beside_key(name: str) -> str:
    return f"evenbetter:figures:beside:{name}"


def kept_beside_register(name: str, compute: Callable[[], object], *, after: tuple[str, ...]) -> None:
    """Keep ``compute()`` (small, the same for every reader, asked on most pages) beside the
    generations it is worked out from (``after``: ``FIGURES`` and kinds of records): under a key
    of its own, with their tokens as they were when it was worked out, and read in the same read
    of the cache as the generations (no read of its own). It is used only while those tokens are
    still the current ones; else worked out again and kept with the new ones. A reader that
    worked it out from old rows read the old tokens first (a writer renews them after it
    commits), so what it keeps is never taken for new."""
    unknown = [kind for kind in after if kind != FIGURES and kind not in RECORDS]
    if unknown or not after:
        raise ValueError(f"{name!r} must be kept after known generations, not {after!r}.")
    _BESIDE[name] = (after, compute)


def _tokens(after: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(figures_generation() if kind == FIGURES else records_generation(kind) for kind in after)


def kept_beside(name: str) -> Any:
    """The value kept beside the generations (``kept_beside_register``), in a request read with
    them and worked out again only when any of its generations was renewed; outside a request
    (a worker, a command) worked out every time, so a long-lived process never keeps it. In a
    request that wrote what renews one of its generations (``figures_changed``,
    ``records_changed``) it is worked out afresh, so that the request reads its own write before
    it commits, and not kept (the write may yet roll back)."""
    if name not in _BESIDE:
        raise ValueError(f"Nothing named {name!r} is kept beside the generations: kept_beside_register.")
    after, compute = _BESIDE[name]
    memo = _request_generation
    if not memo.active:
        return compute()
    if memo.beside is None or memo.beside_read is None:
        _read_request_generations()
    used, read = memo.beside if memo.beside is not None else {}, memo.beside_read or {}
    if name not in used:
        tokens = _tokens(after)
        kept = read.get(name)
        if memo.written & set(after):
            used[name] = compute()  # this request's own write, not committed yet: never kept
        elif kept is not None and kept[0] == tokens:
            used[name] = kept[1]
        else:
            used[name] = compute()
            cache.set(_beside_key(name), (tokens, used[name]), timeout=FIGURES_KEPT_SECONDS)
    return used[name]


def records_holders_register(records: str, holders: Callable[[], frozenset[int]]) -> None:
    """``holders()``: the ids of the schools that hold any records of this kind worth showing
    (a goal not withdrawn, a live concern, …), read from every row, for every reader alike;
    kept beside the generations until those records change."""
    if records not in RECORDS:
        raise ValueError(f"No generation is kept for records {records!r}: add them to RECORDS.")
    kept_beside_register(f"holders:{records}", holders, after=(records,))


def records_holders(records: str) -> frozenset[int]:
    """The schools that hold any records of this kind worth showing, kept until those records
    change (their generation): a school outside it has none for any reader, so a page need not
    ask what the reader may see of them. It names no reader and nothing is shown from it (only
    a read that would find nothing is skipped), so it is the same for everyone. Within a request
    read with the generations (``kept_beside``); outside one, worked out every time."""
    if f"holders:{records}" not in _BESIDE:
        raise ValueError(f"No app says which schools hold records {records!r}: records_holders_register.")
    held: frozenset[int] = kept_beside(f"holders:{records}")
    return held


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
    the records it is drawn from as far as this school goes (``school_records_token``: a write
    about another school leaves it), the figures' generation, and — ``daily`` — today, for a part
    whose words change with the date (overdue, behind, days since)."""
    # Here, not at the top: the apps' configs import this module before the models are loaded.
    from evenbetter.schools.access import access_shape

    scope: tuple[object, ...] = (school.pk, access_shape(user, school), school_records_token(records, school.pk))
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
