"""School-to-school contact: recorded clearly, seen by the right people, measured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.partnerships.models import Contact
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _record(client: Client, school: School, **data: object):  # type: ignore[no-untyped-def]
    payload = {"other_urn": 115851, "kind": "visit", "happened_on": timezone.localdate(), "about": "Phonics"}
    payload.update(data)
    return client.post(reverse("contact_create", args=[school.pk]), payload)


def test_a_school_leader_records_a_visit_and_both_schools_count_it(
    client_for: Callable[[str], Client], school_a: School, school_c: School
) -> None:
    assert _record(client_for("school_leader_a"), school_a).status_code == 302
    contact = Contact.objects.get()
    assert (contact.school, contact.other_school, contact.kind) == (school_a, school_c, "visit")
    summary = (
        client_for("partnership_lead").get(f"{school_c.get_absolute_url()}?sections=all").context["contact_summary"]
    )
    assert summary.distinct_peers == 1 and summary.days_since_contact == 0
    assert summary.outside_partnership_share == 0.0  # both are in the Alton cluster


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"other_urn": 999999}, "No school you can see has the URN 999999"),
        ({"other_urn": 115850}, "That is this school"),
        ({"happened_on": "2999-01-01"}, "in the future"),
        ({"happened_on": "2001-01-01"}, "more than five years ago"),
        ({"kind": "party"}, "valid choice"),
        ({"other_urn": "abc"}, "whole number"),
    ],
)
def test_a_bad_contact_is_refused_with_a_clear_message(
    client_for: Callable[[str], Client], school_a: School, data: dict[str, object], message: str
) -> None:
    response = _record(client_for("school_leader_a"), school_a, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_contacts_are_the_schools_own_business(
    client_for: Callable[[str], Client], school_a: School, school_c: School
) -> None:
    Contact.objects.create(school=school_a, other_school=school_c, kind="call", happened_on=timezone.localdate())
    whole = f"{school_a.get_absolute_url()}?sections=all"
    for persona in ("school_leader_a", "governor", "partnership_lead", "system_lead"):
        page = client_for(persona).get(whole)
        assert page.context["contact_summary"] is not None, persona
        assert len(page.context["contacts"]) == 1, persona
    for persona in ("school_leader_b", "partner_agency"):
        page = client_for(persona).get(whole)
        assert page.context["contact_summary"] is None, persona
        assert len(page.context["contacts"]) == 0, persona


def test_the_locality_network_shows_who_is_isolated(
    client_for: Callable[[str], Client], school_a: School, school_c: School
) -> None:
    today = timezone.localdate()
    Contact.objects.create(
        school=school_a, other_school=school_c, kind="visit", happened_on=today - dt.timedelta(days=10)
    )
    Contact.objects.create(
        school=school_c, other_school=school_a, kind="call", happened_on=today - dt.timedelta(days=5)
    )
    picture = client_for("system_lead").get(reverse("locality_network", args=["east-hampshire"])).context["picture"]
    isolated = {node.school.urn for node in picture.isolated}
    # Alton and Anstey are each other's only peer (one peer is still isolated by the rule);
    # Bordon Infant and Buriton have had no contact at all.
    assert {115865, 115869} <= isolated
    assert len(picture.edges) == 1 and picture.edges[0].weight == 2
    assert all(0 <= node.x <= picture.size and 0 <= node.y <= picture.size for node in picture.nodes)
