"""What the database holds, as one number a table, to show that a request or an import wrote
nothing (or something): a change to any row of any table changes its number."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection

# Tables that change whatever happens (the session, with its messages) or never change.
ALWAYS_IGNORED = frozenset({"django_session", "auth_permission", "django_content_type"})


def table_state(ignore: Iterable[str] = ()) -> dict[str, int]:
    """Every Django model's table (many-to-many tables too), each as a hash of its rows."""
    skipped = ALWAYS_IGNORED | set(ignore)
    existing = set(connection.introspection.table_names())
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)} & existing)
    state = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table not in skipped:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                state[table] = hash(tuple(sorted(map(repr, cursor.fetchall()))))
    return state


def changed_tables(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [table for table in sorted(before.keys() | after.keys()) if before.get(table) != after.get(table)]
