"""The school page says which school it was before (and which it became), for whoever may see
the school, and nobody else; the other school is a link only for who may open it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client

from evenbetter.schools.models import School, SchoolLink

pytestmark = pytest.mark.django_db

BEFORE = "Before 1 November 2017 this school was Old Alton Infants (URN 100128)"


def _words(response: object) -> str:
    """The page's text without its tags (a school's name may or may not be a link)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def predecessor(school_a: School) -> School:
    old = School.objects.create(urn=100128, name="Old Alton Infants", status=School.Status.CLOSED)
    SchoolLink.objects.create(predecessor=old, successor=school_a, linked_on=dt.date(2017, 11, 1), source="spine")
    return old


@pytest.mark.parametrize(
    "persona", ["system_lead", "partnership_lead", "school_leader_a", "school_leader_b", "governor", "partner_agency"]
)
def test_who_may_see_the_school_sees_what_it_was(
    persona: str, predecessor: School, school_a: School, client_for: Callable[[str], Client]
) -> None:
    response = client_for(persona).get(school_a.get_absolute_url())
    assert response.status_code == 200
    text = _words(response)
    assert BEFORE in text
    assert "its inspections are counted as this school's past" in text


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_who_may_not_see_the_school_sees_nothing_of_it(
    persona: str, predecessor: School, school_a: School, client_for: Callable[[str], Client]
) -> None:
    response = client_for(persona).get(school_a.get_absolute_url())
    assert response.status_code in (302, 403)
    assert "Old Alton Infants" not in response.content.decode()


def test_the_old_school_is_a_link_only_for_who_may_open_it(
    predecessor: School, school_a: School, client_for: Callable[[str], Client]
) -> None:
    leader = client_for("school_leader_b").get(school_a.get_absolute_url()).content.decode()
    assert f'href="{predecessor.get_absolute_url()}"' in leader
    # A governor sees its own school only: the old school is named, not linked.
    governor = client_for("governor").get(school_a.get_absolute_url()).content.decode()
    assert "Old Alton Infants" in governor
    assert f'href="{predecessor.get_absolute_url()}"' not in governor
    assert client_for("governor").get(predecessor.get_absolute_url()).status_code == 403


def test_the_old_schools_page_says_what_it_became(
    predecessor: School, school_a: School, client_for: Callable[[str], Client]
) -> None:
    text = _words(client_for("school_leader_b").get(predecessor.get_absolute_url()))
    assert f"From 1 November 2017 this school became {school_a.name} (URN {school_a.urn})" in text
    assert "its inspections are counted as that school's past" in text


def test_a_school_with_no_links_shows_no_panel(school_b: School, client_for: Callable[[str], Client]) -> None:
    text = client_for("system_lead").get(school_b.get_absolute_url()).content.decode()
    assert "Before and after" not in text
