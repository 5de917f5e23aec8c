"""The school page's glance of strengths is kept (drawn once) per school and per access to it:
a reader who may see the school's local records never hands them to one who may not, in
either order, and a write of the figures draws it again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import School
from tests.benchmarks.conftest import strong_three_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def strengths(school_a: School) -> tuple[Indicator, Indicator]:
    return (
        strong_three_years(school_a, "ks2_writprog", "Writing progress", public=True),
        strong_three_years(school_a, "staff_stability", "Staff stability", public=False),  # a local record
    )


def _glance_strengths(client: Client, school: School) -> str:
    page = client.get(school.get_absolute_url()).content.decode()
    start = page.index('id="glance-strengths-heading"')
    return page[start : page.index('id="glance-areas-heading"', start)]


@pytest.mark.parametrize("first", ["partnership_lead", "school_leader_b"])
def test_each_access_sees_its_own_glance_whoever_came_first(
    strengths: tuple[Indicator, Indicator], client_for: Callable[[str], Client], school_a: School, first: str
) -> None:
    readers = ["partnership_lead", "school_leader_b"]
    if first == "school_leader_b":
        readers.reverse()
    seen = {reader: _glance_strengths(client_for(reader), school_a) for reader in readers}
    # The partnership lead sees school A in full, local records included; school B's leader
    # sees its published data only.
    assert "Writing progress" in seen["partnership_lead"] and "Staff stability" in seen["partnership_lead"]
    assert "Writing progress" in seen["school_leader_b"] and "Staff stability" not in seen["school_leader_b"]
    # Asked again, each gets what was kept for their own access.
    assert _glance_strengths(client_for("school_leader_b"), school_a) == seen["school_leader_b"]
    assert _glance_strengths(client_for("partnership_lead"), school_a) == seen["partnership_lead"]


def test_a_write_of_the_figures_draws_the_glance_again(
    strengths: tuple[Indicator, Indicator],
    client_for: Callable[[str], Client],
    school_a: School,
    django_capture_on_commit_callbacks,
) -> None:
    lead = client_for("partnership_lead")
    assert "Staff stability" in _glance_strengths(lead, school_a)
    Benchmark.objects.filter(indicator=strengths[1]).update(family_percentile=40.0)
    # Until the figures change the glance is the one kept ...
    assert "Staff stability" in _glance_strengths(lead, school_a)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()  # as benchmarks_refresh does once its benchmarks commit
    # ... and after, it is drawn from the new benchmarks.
    glance = _glance_strengths(lead, school_a)
    assert "Staff stability" not in glance and "Writing progress" in glance
