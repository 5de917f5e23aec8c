"""A school's values and an indicator's values are each found through an index, though
neither foreign key has one of its own: the unique (school, indicator, period) and the index
(indicator, period) lead with them (migration 0011 dropped the two single-column indexes)."""

from __future__ import annotations

import pytest
from django.db import connection

from evenbetter.indicators.models import Observation

pytestmark = pytest.mark.django_db


def _plan(queryset: object) -> str:
    sql, params = queryset.query.sql_with_params()  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table is otherwise read whole
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("lookup", ["school_id", "indicator_id"])
def test_values_by_school_or_by_indicator_are_found_through_an_index(lookup: str) -> None:
    plan = _plan(Observation.objects.filter(**{lookup: 1}).values_list("value"))
    if connection.vendor == "postgresql":
        assert "Index" in plan and "Seq Scan" not in plan, plan
    else:
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        assert "SCAN indicators_observation\n" not in plan + "\n", plan


def test_no_single_column_index_is_left_on_either_key() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Observation._meta.db_table)
    single = [c["columns"] for c in constraints.values() if c["index"] and not c["unique"] and len(c["columns"]) == 1]
    assert ["school_id"] not in single and ["indicator_id"] not in single, single
