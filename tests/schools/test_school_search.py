"""The header's school search: by name, town, URN or local number, among the schools the reader
may open and no other; an empty or unusable search says so."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School, SchoolIdentifier

pytestmark = pytest.mark.django_db


def _search(client: Client, query: str, **headers: str) -> str:
    response = client.get(reverse("school_search"), {"q": query}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _found(client: Client, query: str) -> list[str]:
    return [school.name for school in client.get(reverse("school_search"), {"q": query}).context["search"].schools]


def test_a_school_leader_finds_schools_by_part_of_the_name(client_for: Callable[[str], Client]) -> None:
    assert _found(client_for("school_leader_a"), "grange") == ["Ash Grange Nursery and Primary School"]


def test_a_town_finds_its_schools_open_before_closed(client_for: Callable[[str], Client]) -> None:
    # Bordon Junior closed in 2018; Bordon Infant is open.
    assert _found(client_for("school_leader_a"), "Bordon") == ["Bordon Infant School", "Bordon Junior School"]


def test_a_urn_finds_its_school_first(client_for: Callable[[str], Client]) -> None:
    assert _found(client_for("school_leader_a"), "125116")[0] == "Ash Grange Nursery and Primary School"


def test_a_local_number_finds_its_school_whatever_the_case(
    client_for: Callable[[str], Client], school_b: School
) -> None:
    SchoolIdentifier.objects.create(scheme="surrey-la", value="SY-2940", school=school_b)
    client = client_for("school_leader_a")
    assert _found(client, "sy-2940") == ["Ash Grange Nursery and Primary School"]
    assert "surrey-la SY-2940" in _search(client, "sy-2940")
    # The directory's filter finds it by the same rule.
    directory = client.get(reverse("school_directory"), {"q": "SY-2940"}).context["page"].object_list
    assert [school.name for school in directory] == ["Ash Grange Nursery and Primary School"]


def test_a_governor_finds_their_own_school_and_no_other(client_for: Callable[[str], Client], school_b: School) -> None:
    SchoolIdentifier.objects.create(scheme="surrey-la", value="SY-2940", school=school_b)
    governor = client_for("governor")
    assert _found(governor, "Alton") == ["Alton Infant School"]  # Anstey Junior is in Alton too
    for query in ("Ash Grange", "125116", "SY-2940", "Ash"):
        assert _found(governor, query) == [], query
        assert school_b.get_absolute_url() not in _search(governor, query)  # (the query itself is echoed)


def test_a_partner_agency_finds_the_schools_it_works_with_only(client_for: Callable[[str], Client]) -> None:
    agency = client_for("partner_agency")
    assert "Alton Infant School" in _found(agency, "Alton")
    assert _found(agency, "Guildford") == [] and _found(agency, "Epsom") == []


def test_whoever_may_open_no_school_is_refused(client_for: Callable[[str], Client]) -> None:
    assert client_for("outsider").get(reverse("school_search"), {"q": "Alton"}).status_code == 403
    assert client_for("anonymous").get(reverse("school_search"), {"q": "Alton"}).status_code == 302


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Type part of a school's name, a town, a URN or a local number."),
        ("   ", "Type part of a school's name, a town, a URN or a local number."),
        ("A", "Type at least two letters of a name or a town."),
        ("x" * 101, "That search is 101 characters long: use at most 100."),
    ],
)
def test_an_empty_or_unusable_search_says_why_and_finds_nothing(
    client_for: Callable[[str], Client], query: str, says: str
) -> None:
    client = client_for("school_leader_a")
    assert says.replace("'", "&#x27;") in _search(client, query)
    assert _found(client, query) == []


def test_a_search_that_matches_nothing_says_so(client_for: Callable[[str], Client]) -> None:
    assert "No school you can open matches “Zanzibar”" in _search(client_for("school_leader_a"), "Zanzibar")


def test_htmx_asks_for_the_results_alone(client_for: Callable[[str], Client]) -> None:
    client = client_for("school_leader_a")
    partial = _search(client, "Bordon", HTTP_HX_REQUEST="true")
    assert "Bordon Infant School" in partial and "<html" not in partial
    assert "<html" in _search(client, "Bordon")
