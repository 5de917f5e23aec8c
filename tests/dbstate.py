"""What the database holds, as one value a table, to show that a request or an import wrote
nothing (or something): a changed, added or deleted row of any table changes its value.

A table's value is its number of rows and a checksum of every row, both computed by the
database in one query for all tables (the permission matrix takes this state twice for
every persona at every URL, so it must be cheap): the sum of a 64-bit hash of each row's
text. On PostgreSQL the row's text is the row itself (``t::text``) and the hash is
``hashtextextended``; SQLite has no hash function, so an aggregate in Python is registered on
the connection and given every column. ``tests/test_dbstate.py`` shows it catches each kind of
change.

``table_writes`` is the cheap check, for the tests that take a state around every request
(the permission matrix, the form properties): rather than what each table holds, how many
times it has been written in this transaction, which costs one small query whatever the
tables hold. It is stricter than ``table_state``: a row written again with the same values,
or written and then rolled back to a savepoint, is a write. On PostgreSQL the counts are
the server's own for the transaction (``pg_stat_xact_user_tables``: rows inserted, updated
and deleted, by any statement of this connection, ``COPY`` and raw SQL included). SQLite
keeps no count by table: every statement the connection runs is seen as it runs (the
driver's trace callback, below Django's cursor, so raw SQL and the driver's own cursors
too) and the tables that INSERT, UPDATE or DELETE statements name are counted; the
connection's count of rows changed (``total_changes()``) says whether any of them changed
a row at all, so that a statement that matched nothing is no write. Writes by another
connection are not counted: the requests of the tests that use it run in the test's own
connection and transaction. docs/benchmarks.md, make test, session 10.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import connection

# Tables that change whatever happens (the session, with its messages) or never change.
ALWAYS_IGNORED = frozenset({"django_session", "auth_permission", "django_content_type"})

# SQLite allows at most 500 SELECTs in one compound statement.
_TABLES_PER_QUERY = 400
_MODULUS = 1 << 63  # SQLite's integers are signed 64-bit


class _RowsChecksum:
    """SQLite aggregate: the sum, modulo 2**63, of a hash of each row's values (their repr
    tells 1 from 1.0 and "1" from 1). Python's string hash is seeded per process, which is
    enough: a state is only ever compared with another taken by the same process."""

    def __init__(self) -> None:
        self.total = 0

    def step(self, *values: object) -> None:
        self.total = (self.total + hash(repr(values))) % _MODULUS

    def finalize(self) -> int:
        return self.total


@functools.cache
def _tables(database: str, skipped: frozenset[str]) -> tuple[str, ...]:
    # Once per test database (its name is the key): the tables do not change during a run.
    existing = set(connection.introspection.table_names())
    models = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return tuple(sorted((models & existing) - skipped))


@functools.cache
def _queries(vendor: str, tables: tuple[str, ...]) -> tuple[str, ...]:
    quote = connection.ops.quote_name
    selects = []
    for table in tables:
        if vendor == "postgresql":
            checksum = "COALESCE(SUM(hashtextextended(t::text, 0)), 0)"
        else:
            with connection.cursor() as cursor:
                columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            checksum = f"evenbetter_rows_checksum({', '.join(f't.{quote(column)}' for column in columns)})"
        selects.append(f"SELECT '{table}', COUNT(*), {checksum} FROM {quote(table)} AS t")  # noqa: S608
    return tuple(
        " UNION ALL ".join(selects[start : start + _TABLES_PER_QUERY])
        for start in range(0, len(selects), _TABLES_PER_QUERY)
    )


def table_state(ignore: Iterable[str] = ()) -> dict[str, tuple[int, object]]:
    """Every Django model's table (many-to-many tables too), each as (rows, checksum of its rows)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("evenbetter_rows_checksum", -1, _RowsChecksum)
    tables = _tables(connection.settings_dict["NAME"], ALWAYS_IGNORED | frozenset(ignore))
    state: dict[str, tuple[int, object]] = {}
    with connection.cursor() as cursor:
        for query in _queries(connection.vendor, tables):
            cursor.execute(query)
            state |= {table: (count, checksum) for table, count, checksum in cursor.fetchall()}
    return state


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tables whose state differs (two ``table_state``s, or two ``table_writes``)."""
    if ROWS_CHANGED in before and before[ROWS_CHANGED] == after.get(ROWS_CHANGED):
        return []  # SQLite: no statement in between changed a row
    return [
        table
        for table in sorted(before.keys() | after.keys())
        if table != ROWS_CHANGED and before.get(table, 0) != after.get(table, 0)
    ]


# --- the cheap check: writes counted ---------------------------------------------------------------

# The whole state of the connection's count of rows changed, on SQLite: when it is the same
# before and after, no statement changed a row, whatever the statements were.
ROWS_CHANGED = "(rows changed by the connection)"
# A statement that writes but whose table could not be read from it: always a change.
UNREAD = "(a write to a table this could not read)"

_WRITE = re.compile(
    r"(?:\bINSERT(?:\s+OR\s+\w+)?\s+INTO|\bREPLACE\s+INTO|\bUPDATE(?:\s+OR\s+\w+)?|\bDELETE\s+FROM)\s+"
    r'(?:"?(main|temp)"?\.)?"?(\w+)"?',
    re.IGNORECASE,
)
_WRITE_WORD = re.compile(r"\b(?:INSERT|REPLACE|UPDATE|DELETE)\b", re.IGNORECASE)
_WRITES_FIRST = ("INSERT", "REPLACE", "UPDATE", "DELETE")


class _StatementsSeen:
    """The write statements one SQLite connection has run, by the table each names."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.written: Counter[str] = Counter()
        raw.set_trace_callback(self.seen)

    def seen(self, statement: str) -> None:
        first = statement.lstrip()[:7].upper()
        if first.startswith(_WRITES_FIRST):
            found = _WRITE.match(statement.lstrip())
        elif first.startswith("WITH") and _WRITE_WORD.search(statement):
            found = _WRITE.search(statement)
        else:
            return
        if found is None:
            self.written[UNREAD] += 1
        elif (found.group(1) or "").lower() != "temp":  # a temporary table is not what the database holds
            self.written[found.group(2)] += 1


_seen: _StatementsSeen | None = None


def table_writes(ignore: Iterable[str] = ()) -> dict[str, object]:
    """Every Django model's table, each with how many times it has been written in this transaction
    (the cheap stand-in for ``table_state`` around a request: compare two with ``changed_tables``)."""
    global _seen
    connection.ensure_connection()
    skipped = ALWAYS_IGNORED | frozenset(ignore)
    tables = _tables(connection.settings_dict["NAME"], skipped)
    if connection.vendor == "postgresql":
        # Outside a transaction each statement is a transaction of its own, and these counts are
        # those of the statement reading them: always nothing.
        assert connection.in_atomic_block, "table_writes counts the writes of a transaction: call it inside one"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
                "WHERE schemaname = current_schema() AND relname = ANY(%s)",
                [list(tables)],
            )
            counted = dict(cursor.fetchall())
        return {table: counted.get(table, 0) for table in tables}
    assert connection.vendor == "sqlite", connection.vendor
    raw = connection.connection
    if _seen is None or _seen.raw is not raw:
        _seen = _StatementsSeen(raw)
    # A write to a table that is no model's (Django's cache table, say) is no model's change; one
    # to a table this does not know at all (UNREAD) always is.
    others = _all_tables(connection.settings_dict["NAME"]) - frozenset(tables)
    state: dict[str, object] = {table: count for table, count in _seen.written.items() if table not in others}
    unknown = state.keys() - set(tables) - {UNREAD}
    if unknown:  # a temporary table named without its schema, if it is still there; else a write
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
            for (name,) in cursor.fetchall():
                state.pop(name, None)
    state[ROWS_CHANGED] = raw.total_changes
    return state


@functools.cache
def _all_tables(database: str) -> frozenset[str]:
    return frozenset(connection.introspection.table_names())


def stop_counting_writes() -> None:
    """The trace callback taken off again (after each test: it would cost every later statement a call)."""
    global _seen
    if _seen is not None:
        _seen.raw.set_trace_callback(None)
        _seen = None
