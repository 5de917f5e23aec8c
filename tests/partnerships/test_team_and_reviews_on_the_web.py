"""Those responsible enter the team around the school (its leaders, its locality's lead, system
leads) and reviews of governance (its governors, leaders and the leads who see it in full) on
the web, not in admin; others may not, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.partnerships.models import Agency, AgencyContact, AgencyLink, GovernanceReview
from evenbetter.schools.models import Locality, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurses() -> Agency:
    agency = Agency.objects.create(name="School nursing", kind="health")
    AgencyContact.objects.create(agency=agency, name="Jo Reed", team="East team")
    return agency


def test_a_school_leader_adds_and_removes_an_agency_in_the_team_around_their_school(
    client_for: Callable[[str], Client], school_a: School, nurses: Agency
) -> None:
    client = client_for("school_leader_a")
    jo = nurses.contacts.get()
    added = client.post(reverse("school_team", args=[school_a.pk]), {"agency": nurses.pk, "contact": jo.pk})
    assert added.status_code == 302
    link = AgencyLink.objects.get()
    assert (link.agency, link.school, link.contact) == (nurses, school_a, jo)
    page = client.get(reverse("school_team", args=[school_a.pk])).content.decode()
    assert "School nursing" in page and "Jo Reed" in page
    assert client.post(reverse("agency_link_remove", args=[link.pk]), {"next": "team"}).status_code == 302
    assert not AgencyLink.objects.exists()


def test_a_school_leader_may_not_remove_an_agency_that_works_across_the_locality(
    client_for: Callable[[str], Client], east_hampshire: Locality, nurses: Agency
) -> None:
    link = AgencyLink.objects.create(agency=nurses, locality=east_hampshire)
    assert client_for("school_leader_a").post(reverse("agency_link_remove", args=[link.pk])).status_code == 403
    assert AgencyLink.objects.filter(pk=link.pk).exists()


def test_the_locality_lead_keeps_the_team_around_its_schools_only(
    client_for: Callable[[str], Client], school_a: School, school_b: School, nurses: Agency
) -> None:
    client = client_for("locality_lead")
    assert client.post(reverse("school_team", args=[school_a.pk]), {"agency": nurses.pk}).status_code == 302
    assert client.post(reverse("school_team", args=[school_b.pk]), {"agency": nurses.pk}).status_code == 403
    assert list(AgencyLink.objects.values_list("school__urn", flat=True)) == [school_a.urn]


@pytest.mark.parametrize(
    "persona", ["partnership_lead", "governor", "partner_agency", "school_leader_b", "staff_member", "outsider"]
)
def test_others_may_not_change_the_team_around_a_school(
    client_for: Callable[[str], Client], persona: str, school_a: School, nurses: Agency
) -> None:
    client = client_for(persona)
    assert client.get(reverse("school_team", args=[school_a.pk])).status_code == 403
    assert client.post(reverse("school_team", args=[school_a.pk]), {"agency": nurses.pk}).status_code == 403
    assert not AgencyLink.objects.exists()


def test_a_contact_of_another_agency_is_refused_by_name(
    client_for: Callable[[str], Client], school_a: School, nurses: Agency
) -> None:
    police = Agency.objects.create(name="Hampshire police", kind="police")
    jo = nurses.contacts.get()
    response = client_for("school_leader_a").post(
        reverse("school_team", args=[school_a.pk]), {"agency": police.pk, "contact": jo.pk}
    )
    assert response.status_code == 400
    assert "Jo Reed works for School nursing, not Hampshire police." in response.content.decode()
    assert not AgencyLink.objects.exists()


def _review(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "reviewed_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "kind": "external",
        "summary": "Strong on safeguarding; challenge on attendance is thin.",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["governor", "school_leader_a", "partnership_lead", "locality_lead", "system_lead"])
def test_a_review_of_governance_is_recorded_by_those_responsible(
    client_for: Callable[[str], Client], persona: str, school_a: School
) -> None:
    client = client_for(persona)
    assert client.post(reverse("governance_review_create", args=[school_a.pk]), _review()).status_code == 302
    review = GovernanceReview.objects.get()
    assert (review.school, review.kind, review.recorded_by) == (
        school_a,
        "external",
        User.objects.get(username=persona),
    )
    page = client_for("governor").get(reverse("school_governance", args=[school_a.pk])).content.decode()
    assert "challenge on attendance is thin" in page


@pytest.mark.parametrize("persona", ["school_leader_b", "partner_agency", "staff_member", "outsider"])
def test_others_may_not_record_a_review_of_governance(
    client_for: Callable[[str], Client], persona: str, school_a: School
) -> None:
    response = client_for(persona).post(reverse("governance_review_create", args=[school_a.pk]), _review())
    assert response.status_code == 403
    assert not GovernanceReview.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reviewed_on": "2999-01-01"}, "The review date is in the future"),
        ({"summary": "   "}, "This field is required."),
        ({"kind": "gossip"}, "Select a valid choice"),
        ({"reviewed_on": "yesterday"}, "Enter a valid date."),
    ],
)
def test_a_bad_review_is_refused_clearly(
    client_for: Callable[[str], Client], school_a: School, changes: dict[str, object], message: str
) -> None:
    response = client_for("governor").post(reverse("governance_review_create", args=[school_a.pk]), _review(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GovernanceReview.objects.exists()
