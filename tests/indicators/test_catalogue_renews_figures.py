"""A change to the indicator catalogue renews the figures' generation once it commits, whichever
way it comes (a format's shipped indicators, or an authority's own catalogue file): names, units
and headlines are kept with the figures, so a page must not show the old ones until the refresh."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.indicators.models import ImportRun, Indicator
from evenbetter.ingest.runner import import_file

pytestmark = pytest.mark.django_db

CATALOGUE = b"""code,name,unit,direction,domain,comparison
staff_trust,Staff who trust leaders,%,higher,wellbeing,percent
"""


def _catalogue(content: bytes) -> ImportRun:
    run = import_file(content=content, file_name="indicators.csv", source_format="indicator_catalogue")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    return run


def _counter() -> Callable[[], int]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return compute


def test_a_catalogue_file_that_renames_an_indicator_renews_the_figures(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _catalogue(CATALOGUE)
    compute = _counter()
    assert figures_cached("names", compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        run = _catalogue(CATALOGUE.replace(b"Staff who trust leaders", b"Staff who trust their leaders"))
    assert run.records_updated == 1
    assert Indicator.objects.get(code="staff_trust").name == "Staff who trust their leaders"
    assert figures_cached("names", compute) == 2  # worked out again with the new name


def test_a_catalogue_file_that_adds_an_indicator_renews_the_figures(django_capture_on_commit_callbacks) -> None:
    compute = _counter()
    assert figures_cached("names", compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        run = _catalogue(CATALOGUE)
    assert run.records_created == 1
    assert figures_cached("names", compute) == 2


def test_the_same_catalogue_again_keeps_the_figures(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _catalogue(CATALOGUE)
    compute = _counter()
    assert figures_cached("names", compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        run = _catalogue(CATALOGUE)
    assert (run.records_created, run.records_updated, run.records_unchanged) == (0, 0, 1)
    assert figures_cached("names", compute) == 1  # nothing changed: still kept
