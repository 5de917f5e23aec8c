"""Asking for help and offering it: who may, and bad input refused clearly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest, SupportOffer

pytestmark = pytest.mark.django_db
ASK = {
    "area": "attendance",
    "title": "Persistent absence in Year 5",
    "description": "A group of pupils miss one day in ten.",
    "urgency": "this_term",
    "kind": "visit",
    "visibility": "anonymous",
}


def _ask(client: Client, school: School, **extra: object):  # type: ignore[no-untyped-def]
    return client.post(f"{reverse('help_request_create')}?school={school.pk}", {**ASK, **extra})


def test_a_school_leader_asks_for_their_own_school(client_for: Callable[[str], Client], school_a: School) -> None:
    response = _ask(client_for("school_leader_a"), school_a)
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert (request.school, request.visibility, request.on_behalf) == (school_a, "anonymous", False)


def test_a_lead_asks_on_behalf_only_with_the_schools_agreement(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    refused = _ask(client_for("partnership_lead"), school_a)
    assert refused.status_code == 200 and "Ask the school first" in refused.content.decode()
    assert not HelpRequest.objects.exists()
    assert _ask(client_for("partnership_lead"), school_a, school_agreed="on").status_code == 302
    assert HelpRequest.objects.get().on_behalf


def test_no_one_else_asks_for_a_school(client_for: Callable[[str], Client], school_a: School) -> None:
    for persona in ("school_leader_b", "governor", "partner_agency", "outsider"):
        assert _ask(client_for(persona), school_a).status_code == 403, persona
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"area": "astrology"}, "valid choice"),
        ({"title": ""}, "required"),
        ({"visibility": "everyone"}, "valid choice"),
    ],
)
def test_a_bad_request_is_refused_clearly(
    client_for: Callable[[str], Client], school_a: School, extra: dict[str, object], message: str
) -> None:
    response = _ask(client_for("school_leader_a"), school_a, **extra)
    assert response.status_code == 200 and message in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_offers_are_made_by_the_school_and_seen_by_leaders(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    url = f"{reverse('support_offer_create')}?school={school_a.pk}"
    data = {"area": "reading", "description": "Our phonics lead can visit.", "days_per_term": "2"}
    assert client_for("school_leader_b").post(url, data).status_code == 403
    assert client_for("school_leader_a").post(url, {**data, "days_per_term": "0"}).status_code == 200
    assert not SupportOffer.objects.exists()
    assert client_for("school_leader_a").post(url, data).status_code == 302
    assert b"Our phonics lead can visit." in client_for("school_leader_b").get(reverse("help_list")).content
    # An agency's users see the list of their own agency's offers and requests, not the schools' offers.
    seen_by_agency = client_for("partner_agency").get(reverse("help_list"))
    assert seen_by_agency.status_code == 200
    assert b"Our phonics lead can visit." not in seen_by_agency.content
