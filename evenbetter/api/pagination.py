from __future__ import annotations

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

from evenbetter.indicators.figures_cache import figures_cached, rows_sql


class ApiPagination(PageNumberPagination):
    """50 a page; ``?page_size=`` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CountKeptPaginator(Paginator):
    """Django's paginator whose ``count`` is kept in the figures cache for the generation.

    Counting every value a reader may see is a ``COUNT(*)`` over millions of rows at national
    scale, asked again for every page. The count changes only when values are written, which
    renews the generation (``indicators.figures_cache``), so it is kept under it. The key is
    the query's own SQL with its parameters, which names the reader's scope and filters, and
    the ids of the schools the query reaches through a subquery (``count_scope``): two readers
    share a count only when they would count the very same rows (an empty queryset, which has
    no SQL, is named as such: ``figures_cache.rows_sql``)."""

    def __init__(self, object_list: Any, per_page: int, *, count_scope: object = None, **options: Any) -> None:
        super().__init__(object_list, per_page, **options)
        self.count_scope = count_scope

    @cached_property
    def count(self) -> int:
        query = self.object_list
        sql = rows_sql(query)
        return figures_cached("api-count", lambda: int(query.count()), scope=(sql, self.count_scope))  # type: ignore[attr-defined]


class CountKeptPagination(ApiPagination):
    """``ApiPagination`` with the count kept for the generation (``CountKeptPaginator``); the
    view may name what its query's subqueries reach (``count_scope()``), handed to the
    paginator when it is made."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        count_scope = view.count_scope() if view is not None and hasattr(view, "count_scope") else None
        self.django_paginator_class = partial(CountKeptPaginator, count_scope=count_scope)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)
