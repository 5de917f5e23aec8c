"""The school page's first view reads each of the glance's tables once: the current risk run,
the concerns counted, the actions counted, the help asked and given, the links to predecessor
and successor schools (each query built costs about half a millisecond of a first view, and
the school page is most of what people open). A school that holds no concern, action or help
under way reads none of those (``tests/pages/test_glance_kept_whole.py``): once at most here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def test_a_first_view_reads_each_of_these_tables_once(
    client_for: Callable[[str], Client], school_a: School, risk_run
) -> None:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client_for("system_lead").get(school_a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trouble ahead" in page
    reads = [query["sql"] for query in queries.captured_queries]
    for what, table, counting in (
        ("the current run", "earlywarning_riskrun", False),
        ("the concerns counted", "concerns_concern", True),
        ("the actions counted", "partnerships_action", True),
        ("the help asked and given", "support_helprequest", False),
        ("the school's links", "schools_schoollink", False),
    ):
        found = [sql for sql in reads if f'FROM "{table}"' in sql and ("COUNT(" in sql) == counting]
        assert len(found) <= 1, (what, found)
    assert any('FROM "earlywarning_riskrun"' in sql for sql in reads)
