"""The API's kept count: its scope is given when the paginator is made, and scopes never share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import QuerySet

from evenbetter.api.pagination import CountKeptPaginator
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def test_the_count_scope_is_given_to_the_paginator_and_keeps_counts_apart(school_a: School, school_b: School) -> None:
    schools = School.objects.order_by("pk")
    first = CountKeptPaginator(schools, 10, count_scope=("schools seen", school_a.pk))
    assert first.count_scope == ("schools seen", school_a.pk)
    counted = first.count
    assert counted == School.objects.count()
    School.objects.filter(pk=school_b.pk).delete()  # no value written: the generation stays
    # The same SQL and scope: the kept count. Another scope: counted again.
    assert CountKeptPaginator(schools, 10, count_scope=("schools seen", school_a.pk)).count == counted
    assert CountKeptPaginator(schools, 10, count_scope=("schools seen", school_b.pk)).count == counted - 1
    assert CountKeptPaginator(schools, 10).count_scope is None


@pytest.mark.parametrize(
    "empty",
    [lambda: School.objects.none(), lambda: School.objects.filter(pk__in=[])],
    ids=["none()", "__in=[]"],
)
def test_an_empty_queryset_counts_nought_and_keeps_nothing_wrong(
    school_a: School, empty: Callable[[], QuerySet[School]]
) -> None:
    # Django writes no SQL for a queryset it knows is empty (str(query) raises EmptyResultSet).
    paginator = CountKeptPaginator(empty(), 10, count_scope=("schools seen", school_a.pk))
    assert paginator.count == 0
    assert list(paginator.page(1)) == []
    # Another empty queryset shares the key, and it is still nought; a full one is counted.
    assert CountKeptPaginator(School.objects.none(), 10).count == 0
    assert CountKeptPaginator(School.objects.order_by("pk"), 10).count == School.objects.count()
