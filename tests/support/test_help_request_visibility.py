"""Who sees a help request, for each kind of visibility and every role, both ways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest

# Same on any database: who sees a request: the visibility rules, read through the ORM alone (the steps, with their row locks, are in test_workflow.py, on both).
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

# Persona -> (sees the request, sees who asked), for a request by school A (Alton, in the
# Alton cluster led by partnership_lead).
EXPECTED = {
    HelpRequest.Visibility.NAMED: {
        "system_lead": (True, True), "partnership_lead": (True, True), "school_leader_a": (True, True),
        "school_leader_b": (True, True), "governor": (True, True), "partner_agency": (False, False),
        "outsider": (False, False),
    },
    HelpRequest.Visibility.ANONYMOUS: {
        "system_lead": (True, True), "partnership_lead": (True, True), "school_leader_a": (True, True),
        "school_leader_b": (True, False), "governor": (True, True), "partner_agency": (False, False),
        "outsider": (False, False),
    },
    HelpRequest.Visibility.BROKER_ONLY: {
        "system_lead": (True, True), "partnership_lead": (True, True), "school_leader_a": (True, True),
        "school_leader_b": (False, False), "governor": (True, True), "partner_agency": (False, False),
        "outsider": (False, False),
    },
}  # fmt: skip
CASES = [(visibility, persona) for visibility, row in EXPECTED.items() for persona in row]


@pytest.mark.parametrize(("visibility", "persona"), CASES, ids=[f"{v}-{p}" for v, p in CASES])
def test_a_request_is_seen_as_its_school_chose(
    client_for: Callable[[str], Client], school_a: School, visibility: str, persona: str
) -> None:
    request = HelpRequest.objects.create(
        school=school_a, area="reading", title="Help with Year 1 phonics", description="Our phonics screening fell.",
        visibility=visibility,
    )  # fmt: skip
    sees, sees_who = EXPECTED[visibility][persona]
    client = client_for(persona)
    detail = client.get(reverse("help_request_detail", args=[request.pk]))
    listing = client.get(reverse("help_list"))
    if sees:
        assert detail.status_code == 200
        assert b"Help with Year 1 phonics" in listing.content
        assert (school_a.name.encode() in detail.content) is sees_who
        assert (school_a.name.encode() in listing.content) is sees_who
    else:
        assert detail.status_code in (403, 404)
        assert b"Help with Year 1 phonics" not in listing.content or listing.status_code == 403


def test_only_the_school_and_its_brokers_see_who_could_help(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    request = HelpRequest.objects.create(school=school_a, area="reading", title="Phonics", description="Help us.")
    for persona in ("system_lead", "partnership_lead", "school_leader_a"):
        assert client_for(persona).get(reverse("help_request_detail", args=[request.pk])).context["result"] is not None
    for persona in ("school_leader_b", "governor"):
        assert client_for(persona).get(reverse("help_request_detail", args=[request.pk])).context["result"] is None


@pytest.mark.parametrize(("persona", "sees_who"), [("school_leader_b", False), ("partnership_lead", True)])
def test_the_export_hides_who_asked_as_the_page_does(
    client_for: Callable[[str], Client], school_a: School, persona: str, sees_who: bool
) -> None:
    HelpRequest.objects.create(
        school=school_a, area="reading", title="Quiet phonics help", description=".",
        visibility=HelpRequest.Visibility.ANONYMOUS,
    )  # fmt: skip
    HelpRequest.objects.create(
        school=school_a, area="maths", title="Broker-only maths", description=".",
        visibility=HelpRequest.Visibility.BROKER_ONLY,
    )  # fmt: skip
    text = client_for(persona).get(reverse("help_list"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Quiet phonics help" in text
    assert (school_a.name in text) is sees_who
    assert ("Broker-only maths" in text) is sees_who
    # An agency's users export only the requests addressed to their agency: none of these.
    agency_csv = client_for("partner_agency").get(reverse("help_list"), {"format": "csv"})
    assert agency_csv.status_code == 200
    assert "Quiet phonics help" not in agency_csv.content.decode("utf-8-sig")
