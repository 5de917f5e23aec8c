"""Help requests as the web shows them: each seen as its school chose, and who asked hidden
from those an anonymous request is anonymous to — in the list, in one request, and when
filtering by school."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.partnerships.models import Agency
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import help_requests_visible_to, shows_who_asked, who_asked_shown_condition
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

NAMED, ANONYMOUS, BROKER_ONLY = "Named request of A", "Anonymous request of A", "Broker-only request of A"
NAMED_B = "Named request of B"

# Persona -> {title: school named to them?} for the requests each sees.
EXPECTED = {
    "system_lead": {NAMED: True, ANONYMOUS: True, BROKER_ONLY: True, NAMED_B: True},
    "partnership_lead": {NAMED: True, ANONYMOUS: True, BROKER_ONLY: True, NAMED_B: True},
    "school_leader_a": {NAMED: True, ANONYMOUS: True, BROKER_ONLY: True, NAMED_B: True},
    "governor": {NAMED: True, ANONYMOUS: True, BROKER_ONLY: True},
    "school_leader_b": {NAMED: True, ANONYMOUS: False, NAMED_B: True},
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_request_is_seen_as_its_school_chose(
    api_for: Callable[[str], APIClient], world: World, persona: str
) -> None:
    client = api_for(persona)
    listed = {r["title"]: r for r in client.get("/api/v1/help-requests/").json()["results"]}
    assert {title: r["school"] is not None for title, r in listed.items()} == EXPECTED[persona]
    for title, named in EXPECTED[persona].items():
        one = client.get(f"/api/v1/help-requests/{listed[title]['id']}/")
        assert one.status_code == 200
        if named:
            assert one.json()["school"]["name"] in ("Alton Infant School", "Ash Grange Nursery and Primary School")
        else:
            body = one.json()
            assert body["school"] is None and body["school_phase"] == "Primary"
            assert b"Alton" not in one.content and str(world.school_a.urn).encode() not in one.content


def test_filtering_by_school_never_reveals_who_asked_anonymously(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    other_school = api_for("school_leader_b")
    found = other_school.get(f"/api/v1/help-requests/?school={world.school_a.pk}").json()["results"]
    assert [r["title"] for r in found] == [NAMED]
    own = api_for("school_leader_a").get(f"/api/v1/help-requests/?school={world.school_a.pk}").json()["results"]
    assert sorted(r["title"] for r in own) == sorted([NAMED, ANONYMOUS, BROKER_ONLY])


@pytest.mark.parametrize("supported", [False, True], ids=["unsupported", "B suggested to help"])
@pytest.mark.parametrize(
    "persona", ["system_lead", "partnership_lead", "school_leader_a", "school_leader_b", "governor"]
)
def test_the_school_filter_uses_the_same_rule_as_the_web(
    world: World, persona: str, supported: bool, request: pytest.FixtureRequest
) -> None:
    if supported:
        HelpRequest.objects.filter(pk=world.anonymous.pk).update(supporter=world.school_b)
    user: User = request.getfixturevalue(persona)
    visible = help_requests_visible_to(user)
    by_query = set(visible.filter(who_asked_shown_condition(user)).values_list("pk", flat=True))
    by_rule = {r.pk for r in visible if shows_who_asked(user, r)}
    assert by_query == by_rule


def test_the_school_suggested_to_help_is_told_who_asked(api_for: Callable[[str], APIClient], world: World) -> None:
    HelpRequest.objects.filter(pk=world.anonymous.pk).update(supporter=world.school_b, status="suggested")
    helper = api_for("school_leader_b")
    assert helper.get(f"/api/v1/help-requests/{world.anonymous.pk}/").json()["school"]["urn"] == world.school_a.urn
    found = helper.get(f"/api/v1/help-requests/?school={world.school_a.pk}").json()["results"]
    assert sorted(r["title"] for r in found) == sorted([NAMED, ANONYMOUS])


def test_the_school_helping_is_shown_only_to_those_following_the_support(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    HelpRequest.objects.filter(pk=world.named.pk).update(
        supporter=world.school_c, status=HelpRequest.Status.AGREED, objectives="Phonics screening back to 80%"
    )
    path = f"/api/v1/help-requests/{world.named.pk}/"
    for persona in ("system_lead", "partnership_lead", "school_leader_a", "governor"):
        body = api_for(persona).get(path).json()
        assert body["supporter"]["urn"] == world.school_c.urn and body["objectives"] == [
            "Phonics screening back to 80%"
        ]
    body = api_for("school_leader_b").get(path).json()
    assert (body["supporter"], body["objectives"], body["status"]) == (None, [], "agreed")


def test_the_agency_asked_to_help_is_shown_to_its_people_and_those_following_only(
    api_for: Callable[[str], APIClient], world: World, early_help: Agency
) -> None:
    agency = early_help
    HelpRequest.objects.filter(pk=world.named.pk).update(supporter_agency=agency, status=HelpRequest.Status.SUGGESTED)
    path = f"/api/v1/help-requests/{world.named.pk}/"
    for persona in ("system_lead", "school_leader_a", "partner_agency"):
        body = api_for(persona).get(path).json()
        assert body["supporter_agency"] == {"id": agency.pk, "name": agency.name, "kind": "early_help"}, persona
        assert body["supporter"] is None
    assert api_for("school_leader_b").get(path).json()["supporter_agency"] is None


def test_requests_filter_by_status_and_area_and_withdrawn_ones_are_gone(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    HelpRequest.objects.filter(pk=world.named_b.pk).update(status=HelpRequest.Status.WITHDRAWN)
    lead = api_for("system_lead")
    titles = {r["title"] for r in lead.get("/api/v1/help-requests/").json()["results"]}
    assert titles == {NAMED, ANONYMOUS, BROKER_ONLY}
    assert lead.get(f"/api/v1/help-requests/{world.named_b.pk}/").status_code == 404
    assert lead.get("/api/v1/help-requests/?area=maths").json()["results"] == []
    assert len(lead.get("/api/v1/help-requests/?area=reading&status=requested").json()["results"]) == 3
    assert lead.get("/api/v1/help-requests/?status=lost").status_code == 400
