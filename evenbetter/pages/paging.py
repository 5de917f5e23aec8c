"""The page of a long list that a kept drawing is keyed by."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator


def page_number_shown(requested: str | None, per_page: int, count: Callable[[], int]) -> int:
    """The page Django's paginator shows for ``requested`` (1 for none or not a number, the last
    for one past the end), so that a page number nobody can show makes no kept entry of its own.
    ``count`` (the number of rows, kept by the caller under the list's own scope) is asked only
    for a page other than the first."""
    try:
        number = int(requested or 1)
    except ValueError:
        return 1
    if number == 1:
        return 1
    return Paginator(range(count()), per_page).get_page(number).number
