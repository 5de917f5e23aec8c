"""Schools: the directory with its filters and pages, and one school, as each persona sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from evenbetter.schools.models import School
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

A, C, B = 115850, 115851, 125116
EAST_HAMPSHIRE_OPEN = {115850, 115851, 115865, 115869}
OPEN = {115850, 115851, 115865, 115869, 115900, 116275, 116294, 125116, 138764, 139557}
CLOSED = {115864, 124935, 125131}


def urns(client: APIClient, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/schools/{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {school["urn"] for school in body["results"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("system_lead", OPEN),
        ("partnership_lead", OPEN),
        ("school_leader_a", OPEN),
        ("school_leader_b", OPEN),
        ("governor", {A}),
        ("partner_agency", EAST_HAMPSHIRE_OPEN),
    ],
)
def test_the_directory_lists_the_schools_each_persona_may_open(
    api_for: Callable[[str], APIClient], persona: str, expected: set[int]
) -> None:
    assert urns(api_for(persona)) == expected


def test_the_directory_filters(api_for: Callable[[str], APIClient], world: World) -> None:
    lead = api_for("system_lead")
    assert urns(lead, "?status=all") == OPEN | CLOSED
    assert urns(lead, "?status=closed") == CLOSED
    assert urns(lead, "?search=Alton") == {A, C}  # by name and by town
    assert urns(lead, f"?search={B}") == {B}
    assert urns(lead, "?search=grange") == {B}
    assert urns(lead, f"?urn={C}") == {C}
    assert urns(lead, "?phase=Primary") == OPEN
    assert urns(lead, "?phase=Secondary") == set()
    assert urns(lead, "?locality=east-hampshire") == EAST_HAMPSHIRE_OPEN
    assert urns(lead, "?locality=east-hampshire&status=all") == EAST_HAMPSHIRE_OPEN | {115864}
    assert urns(lead, "?partnership=alton-cluster") == {A, C}
    assert urns(lead, "?partnership=alton-cluster&search=anstey") == {C}


def test_a_filter_on_what_the_user_may_not_see_or_that_makes_no_sense_is_refused(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    agency = api_for("partner_agency")
    assert urns(agency, "?locality=east-hampshire") == EAST_HAMPSHIRE_OPEN
    for query, field in [
        ("?locality=guildford", "locality"),  # a locality the agency does not work in
        ("?partnership=alton-cluster", "partnership"),  # agencies see no partnerships
        ("?locality=nowhere", "locality"),
        ("?status=sometimes", "status"),
        ("?urn=abc", "urn"),
    ]:
        response = agency.get(f"/api/v1/schools/{query}")
        assert response.status_code == 400, query
        assert field in response.json()


@pytest.mark.parametrize(
    ("persona", "access", "partnerships"),
    [
        ("system_lead", "full", ["alton-cluster"]),
        ("partnership_lead", "full", ["alton-cluster"]),
        ("school_leader_a", "full", ["alton-cluster"]),
        ("school_leader_b", "public", ["alton-cluster"]),
        ("governor", "governor", []),  # governors have no partnerships pages
        ("partner_agency", "agency", []),
    ],
)
def test_one_school_says_how_much_of_it_the_user_sees(
    api_for: Callable[[str], APIClient], world: World, persona: str, access: str, partnerships: list[str]
) -> None:
    body = api_for(persona).get(f"/api/v1/schools/{world.school_a.pk}/").json()
    assert (body["urn"], body["name"], body["access"]) == (A, "Alton Infant School", access)
    assert [p["slug"] for p in body["partnerships"]] == partnerships
    assert body["localities"] == ["east-hampshire"]
    assert body["web_url"] == f"/schools/{A}/"
    # The register's personal fields are never read, so never given.
    assert not [key for key in body if "head" in key or "telephone" in key]


def test_pages_are_50_by_default_and_at_most_500(api_for: Callable[[str], APIClient], world: World) -> None:
    School.objects.bulk_create(
        [School(name=f"Test school {i:04}", status=School.Status.OPEN, phase="Primary") for i in range(540)]
    )
    lead = api_for("system_lead")
    first = lead.get("/api/v1/schools/").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (550, 50, None)
    assert first["next"].endswith("/api/v1/schools/?page=2")
    last = lead.get("/api/v1/schools/?page=11").json()
    assert (len(last["results"]), last["next"]) == (50, None)
    assert lead.get("/api/v1/schools/?page=12").status_code == 404
    assert len(lead.get("/api/v1/schools/?page_size=7").json()["results"]) == 7
    assert len(lead.get("/api/v1/schools/?page_size=5000").json()["results"]) == 500
    # Every school once over the pages, in a stable order.
    seen = [
        s["id"] for page in (1, 2) for s in lead.get(f"/api/v1/schools/?page_size=500&page={page}").json()["results"]
    ]
    assert len(seen) == len(set(seen)) == 550
