"""Each role's home page shows what that role is for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

# Same on any database: which panel each role's home shows: the access rules, read through the ORM alone.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

HEADINGS = {
    "system_lead": "The whole system",
    "partnership_lead": "Partnerships you lead",
    "school_leader_a": "Your school",
    "governor": "The school you govern",
    "partner_agency": "Where you work",
    "outsider": "Your account has no role yet",
}


@pytest.mark.parametrize("persona", list(HEADINGS))
def test_each_role_sees_its_own_home_page_and_no_other(persona: str, client_for: Callable[[str], Client]) -> None:
    content = client_for(persona).get(reverse("home")).content.decode()
    assert HEADINGS[persona] in content
    for other, heading in HEADINGS.items():
        if other != persona:
            assert heading not in content


def test_the_school_leader_home_names_their_school_only(client_for: Callable[[str], Client]) -> None:
    content = client_for("school_leader_a").get(reverse("home")).content.decode()
    assert "Alton Infant School" in content
    assert "Ash Grange" not in content


def test_the_partnership_lead_home_lists_member_schools(client_for: Callable[[str], Client]) -> None:
    content = client_for("partnership_lead").get(reverse("home")).content.decode()
    assert "Alton Cluster" in content
    assert "Alton Infant School" in content and "Anstey Junior School" in content
    assert "Ash Grange" not in content


def test_the_system_lead_home_counts_open_and_closed_schools(client_for: Callable[[str], Client]) -> None:
    response = client_for("system_lead").get(reverse("home"))
    (panel,) = [shown.context["panel"] for shown in response.context["panels"] if "panel" in shown.context]
    # The sample register has 13 schools, 3 of them closed (115864, 124935, 125131).
    assert (panel["open_schools"], panel["closed_schools"]) == (10, 3)


def test_the_partner_agency_home_shows_its_locality(client_for: Callable[[str], Client]) -> None:
    content = client_for("partner_agency").get(reverse("home")).content.decode()
    assert "East Hampshire" in content
    assert "Guildford" not in content
