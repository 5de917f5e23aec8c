"""The team around the school: partner agencies, their contacts and the actions shared with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from evenbetter.partnerships.models import Action, Agency, AgencyContact, AgencyLink
from evenbetter.schools.models import Locality, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(east_hampshire: Locality, school_a: School) -> Agency:
    agency = Agency.objects.create(name="Safer Schools police team", kind="police")
    contact = AgencyContact.objects.create(agency=agency, name="PC Hale", role="Safer schools officer")
    AgencyLink.objects.create(agency=agency, contact=contact, locality=east_hampshire)
    today = timezone.localdate()
    Action.objects.create(
        title="Assembly on online safety", agency=agency, owner_school=school_a,
        agreed_on=today - dt.timedelta(days=20), due_on=today - dt.timedelta(days=1),
    )  # fmt: skip
    return agency


def test_the_school_its_leads_and_the_agency_see_the_team_and_shared_actions(
    client_for: Callable[[str], Client], police: Agency, school_a: School
) -> None:
    for persona in ("school_leader_a", "governor", "partnership_lead", "system_lead", "partner_agency"):
        page = client_for(persona).get(f"{school_a.get_absolute_url()}?sections=all")
        assert [link.agency for link in page.context["team_around"]] == [police], persona
        assert [a.title for a in page.context["shared_actions"]] == ["Assembly on online safety"], persona
        assert b"PC Hale" in page.content and b"overdue" in page.content, persona


def test_another_schools_leader_does_not(client_for: Callable[[str], Client], police: Agency, school_a: School) -> None:
    page = client_for("school_leader_b").get(f"{school_a.get_absolute_url()}?sections=all")
    assert page.status_code == 200
    assert list(page.context["team_around"]) == [] and list(page.context["shared_actions"]) == []
    assert b"PC Hale" not in page.content


def test_an_agency_sees_nothing_of_a_school_outside_its_localities(
    client_for: Callable[[str], Client], police: Agency, school_b: School
) -> None:
    assert client_for("partner_agency").get(school_b.get_absolute_url()).status_code == 403
