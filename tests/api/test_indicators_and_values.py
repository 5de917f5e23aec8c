"""Indicators and their values: published ones for whoever may open a school, local records
(not published) only for the school's own people and those who see it in full — exactly the
values each school's page shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.indicators.models import Observation
from evenbetter.indicators.selectors import school_indicator_series
from evenbetter.schools.models import School
from tests.api.conftest import LOCAL, World
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

A, C, B = 115850, 115851, 125116
EAST_HAMPSHIRE_OPEN = {115850, 115851, 115865, 115869}


def all_pages(client: APIClient, path: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    url: str | None = path
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        found.extend(body["results"])
        url = body["next"]
    return found


@pytest.mark.parametrize(
    ("persona", "lists_local"),
    [
        ("system_lead", True),
        ("partnership_lead", True),
        ("school_leader_a", True),
        ("school_leader_b", True),  # its own school's local records
        ("governor", True),
        ("partner_agency", False),
    ],
)
def test_local_records_are_listed_only_for_those_who_see_some(
    api_for: Callable[[str], APIClient], world: World, persona: str, lists_local: bool
) -> None:
    codes = {i["code"] for i in all_pages(api_for(persona), "/api/v1/indicators/")}
    assert {"reading", "pupils_on_roll"} <= codes
    assert (LOCAL in codes) is lists_local


def test_indicators_filter_by_domain_and_publication(api_for: Callable[[str], APIClient], world: World) -> None:
    lead = api_for("system_lead")
    assert {i["code"] for i in all_pages(lead, "/api/v1/indicators/?domain=partnership")} == {LOCAL}
    assert {i["code"] for i in all_pages(lead, "/api/v1/indicators/?is_public=false")} == {LOCAL}
    assert LOCAL not in {i["code"] for i in all_pages(lead, "/api/v1/indicators/?is_public=true")}
    detail = lead.get(f"/api/v1/indicators/{LOCAL}/").json()
    assert (detail["name"], detail["is_public"], detail["direction"]) == (
        "Partnership meetings attended",
        False,
        "higher",
    )
    assert lead.get("/api/v1/indicators/?domain=astrology").status_code == 400


def visible_pairs(client: APIClient, query: str = "") -> set[tuple[int, str]]:
    return {(o["urn"], o["indicator"]) for o in all_pages(client, f"/api/v1/observations/?page_size=500{query}")}


@pytest.mark.parametrize(
    ("persona", "local_of", "schools"),
    [
        ("system_lead", "all", "all"),
        ("partnership_lead", {A, C}, "all"),
        ("school_leader_a", {A}, "all"),
        ("school_leader_b", {B}, "all"),
        ("governor", {A}, {A}),
        ("partner_agency", set(), EAST_HAMPSHIRE_OPEN | {115864}),  # closed schools too, as on the web
    ],
)
def test_values_are_those_each_persona_may_see(
    api_for: Callable[[str], APIClient], world: World, persona: str, local_of: object, schools: object
) -> None:
    every = {
        (o.school.urn, o.indicator.code, o.indicator.is_public)
        for o in Observation.objects.select_related("school", "indicator")
    }
    all_urns = {urn for urn, _, _ in every}
    local_urns = all_urns if local_of == "all" else local_of
    school_urns = all_urns if schools == "all" else schools
    assert isinstance(local_urns, set) and isinstance(school_urns, set)
    expected = {(urn, code) for urn, code, public in every if urn in school_urns and (public or urn in local_urns)}
    got = visible_pairs(api_for(persona))
    assert got == expected
    assert ((A, LOCAL) in got) is (A in local_urns)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anonymous", "outsider")])
def test_values_are_exactly_those_the_school_pages_show(
    api_for: Callable[[str], APIClient], world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """The API and ``school_indicator_series`` (the school page) agree, school by school."""
    user: User = request.getfixturevalue(persona)
    client = api_for(persona)
    for school in School.objects.filter(urn__in=[A, B, C, 115865]):
        on_page = {
            (p.indicator.code, p.period, p.value)
            for s in school_indicator_series(user=user, school=school)
            for p in s.points
        }
        by_api = {
            (o["indicator"], o["period"], o["value"])
            for o in all_pages(client, f"/api/v1/observations/?school={school.pk}&page_size=500")
        }
        assert by_api == on_page, (persona, school.name)


def test_values_filter_by_school_indicator_and_period(api_for: Callable[[str], APIClient], world: World) -> None:
    lead = api_for("system_lead")
    rows = all_pages(lead, f"/api/v1/observations/?urn={A}&indicator=reading")
    assert sorted((r["period"], r["value"]) for r in rows) == [("2017/18", 40.0), ("2018/19", 50.0)]
    assert rows[0]["label"] == "40.0%" and rows[0]["school"] == world.school_a.pk
    rows = all_pages(lead, f"/api/v1/observations/?school={world.school_a.pk}&indicator=reading&period=2018/19")
    assert [(r["urn"], r["value"], r["status"]) for r in rows] == [(A, 50.0, "value")]
    assert all_pages(lead, "/api/v1/observations/?indicator=reading&period=1999/00") == []
    # Filtering by a school does not widen anything: another school's local record stays hidden.
    assert (
        all_pages(api_for("school_leader_b"), f"/api/v1/observations/?school={world.school_a.pk}&indicator={LOCAL}")
        == []
    )
    assert lead.get("/api/v1/observations/?school=abc").status_code == 400


def test_the_count_is_each_readers_own_and_is_renewed_by_new_values(
    api_for: Callable[[str], APIClient], world: World, django_capture_on_commit_callbacks
) -> None:
    """The list's count is kept for the generation (a count of every visible value is costly
    at national scale): each reader's is their own, and a new value renews it."""
    import datetime as dt

    from evenbetter.indicators.models import Indicator
    from evenbetter.indicators.store import StagedObservation, observations_write

    def count(persona: str) -> int:
        return int(api_for(persona).get("/api/v1/observations/?indicator=reading").json()["count"])

    personas = ["system_lead", "governor", "partner_agency", "system_lead", "governor"]  # each twice: kept
    counts = {persona: count(persona) for persona in personas}
    for persona, counted in counts.items():
        assert counted == len(all_pages(api_for(persona), "/api/v1/observations/?indicator=reading&page_size=500"))
    assert counts["governor"] < counts["partner_agency"] < counts["system_lead"]
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [
                StagedObservation(
                    world.school_a.pk, "reading", "2019/20", dt.date(2019, 9, 1), 61.0, "value", False, 1, "x"
                )
            ],
            {"reading": Indicator.objects.get(code="reading").pk},
            None,
        )
    assert count("system_lead") == counts["system_lead"] + 1
    assert count("governor") == counts["governor"] + 1
