"""The explorer's spread and table, drawn once per group of schools and kept in the figures
cache: each reader still sees only the schools they may, whoever asks first, and what is kept is
what would be drawn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from evenbetter.benchmarks.services import RefreshResult
from evenbetter.indicators.models import Indicator
from evenbetter.indicators.store import StagedObservation, observations_write
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _section(client: Client, **query: object) -> str:
    """The drawn spread and table of the explorer's page (from its heading to its end)."""
    return _section_of(client.get(reverse("explorer"), {"indicator": "reading", **query}).content.decode())


def _section_of(text: str) -> str:
    start = text.index('<section aria-labelledby="distribution-heading">')
    return text[start : text.index("</section>", start)]


def _listed(section: str) -> set[str]:
    return set(re.findall(r'<td><a href="[^"]+">([^<]+)</a></td>', section))


@pytest.mark.parametrize("first", ["school_leader_b", "governor"])
def test_two_readers_who_see_different_schools_each_see_their_own_whoever_asks_first(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School, first: str
) -> None:
    readers = {name: client_for(name) for name in ("school_leader_b", "governor")}
    order = [first, *(name for name in readers if name != first)]
    seen = {name: _listed(_section(readers[name])) for name in order}
    assert len(seen["school_leader_b"]) == 10  # every school with a value
    assert seen["governor"] == {school_a.name}  # only the school they govern
    # And again, from what is kept: the same for each.
    assert {name: _listed(_section(readers[name])) for name in order} == seen


def test_a_local_record_kept_for_a_system_lead_is_not_shown_to_a_school_leader(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_b: School
) -> None:
    # A local record: the system lead sees every school's; a school leader only their own.
    Indicator.objects.filter(code="reading").update(is_public=False)
    assert len(_listed(_section(client_for("system_lead")))) == 10
    assert _listed(_section(client_for("school_leader_b"))) == {school_b.name}


def test_what_is_kept_is_what_is_drawn(client_for: Callable[[str], Client], benchmarked: RefreshResult) -> None:
    client = client_for("school_leader_b")
    for query in ({}, {"page": "2"}, {"phase": "Primary"}):
        drawn = _section(client, **query)
        kept = _section(client, **query)
        cache.clear()
        assert kept == drawn == _section(client, **query)


def test_the_kept_page_is_drawn_again_when_values_are_written(
    client_for: Callable[[str], Client],
    benchmarked: RefreshResult,
    school_a: School,
    django_capture_on_commit_callbacks,
) -> None:
    client = client_for("school_leader_b")
    before = _section(client)
    reading = Indicator.objects.get(code="reading")
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [StagedObservation(school_a.pk, "reading", "2018/19", dt.date(2018, 9, 1), 12.5, "value", False, 1, "x")],
            {"reading": reading.pk},
            None,
        )
    after = _section(client)
    assert "12.5" not in before and "12.5" in after


def _draws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sections drawn from now on (not read from what is kept): their pages' addresses' filters."""
    from evenbetter.benchmarks import views

    drawn: list[str] = []
    render = views.render_to_string

    def counted(template: str, context: dict[str, object]) -> str:
        drawn.append(str(context["query"]))
        return render(template, context)

    monkeypatch.setattr(views, "render_to_string", counted)
    return drawn


def test_addresses_that_differ_only_by_other_parameters_or_their_order_share_one_kept_section(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("school_leader_b")
    drawn = _draws(monkeypatch)
    url = reverse("explorer")
    first = _section_of(client.get(f"{url}?indicator=reading&phase=Primary").content.decode())
    for address in (
        f"{url}?phase=Primary&indicator=reading",  # another order
        f"{url}?indicator=reading&phase=Primary&utm_source=crawler&x=1",  # parameters the page does not read
        f"{url}?indicator=reading&phase=Primary&page=1",  # the first page, said
        f"{url}?indicator=reading&phase=Primary&page=first",  # not a page number: the first page
        f"{url}?indicator=reading&phase=Primary&scope=all&school=",  # the defaults, said
    ):
        assert _section_of(client.get(address).content.decode()) == first, address
    assert len(drawn) == 1  # one kept entry for all of them
    assert "utm_source" not in first and "crawler" not in first  # the links carry the filters shown only


def test_different_filters_or_pages_are_kept_apart(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evenbetter.benchmarks import views

    monkeypatch.setattr(views, "EXPLORER_LISTED", 3)  # ten schools: four pages
    client = client_for("school_leader_b")
    drawn = _draws(monkeypatch)
    sections = {
        name: _section(client, **query)
        for name, query in (
            ("all", {}),
            ("primary", {"phase": "Primary"}),
            ("page 2", {"page": "2"}),
            ("2017/18", {"period": "2017/18"}),
        )
    }
    assert len(drawn) == 4 and len(set(sections.values())) == 4
    # A page past the end is the last page, which the paginator shows: kept once.
    assert _section(client, page="4") == _section(client, page="99") == _section(client, page="0")
    assert len(drawn) == 5
