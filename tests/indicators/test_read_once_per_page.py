"""The school page's panels that label generated values (the glance of strengths and the glance
of the data on the page itself; the profile's benchmarks and trends) share one read of them for
the request, whichever panel asks first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenbetter.benchmarks.services import strengths_keep
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked

pytestmark = pytest.mark.django_db


def _page(client: Client, school: School) -> tuple[str, list[str]]:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _is_observation_read(sql: str) -> bool:
    return 'FROM "indicators_observation"' in sql and "COUNT(" not in sql.upper()


def test_the_school_page_reads_the_generated_values_once(register, client_for: Callable[[str], Client]) -> None:
    build_benchmarked(shifts={2017: -10, 2018: 0})
    strengths_keep()  # strengths on the glance: its panel asks for the generated values too
    school = School.objects.exclude(status=School.Status.CLOSED).order_by("urn").last()
    assert school is not None
    page, queries = _page(client_for("system_lead"), school)
    assert 'id="glance-strengths-heading"' in page and 'id="glance-data-heading"' in page

    generated = [sql for sql in queries if _is_observation_read(sql) and '"options"' in sql and "generated" in sql]
    assert len(generated) == 1, generated  # two before: one for each glance
