"""What the database holds, as one value a table, to show that a request or an import wrote
nothing (or something): a changed, added or deleted row of any table changes its value.

A table's value is its number of rows and a checksum of every row, both computed by the
database in one query for all tables (the permission matrix takes this state twice for
every persona at every URL, so it must be cheap): the sum of a 64-bit hash of each row's
text. On PostgreSQL the row's text is the row itself (``t::text``) and the hash is
``hashtextextended``; SQLite has no hash function, so an aggregate in Python is registered on
the connection and given every column. ``tests/test_dbstate.py`` shows it catches each kind of
change.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

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


def changed_tables(before: dict[str, tuple[int, object]], after: dict[str, tuple[int, object]]) -> list[str]:
    return [table for table in sorted(before.keys() | after.keys()) if before.get(table) != after.get(table)]
