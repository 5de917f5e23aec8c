"""System and locality leads keep partner agencies on the web: the agency, its teams and
contacts, and the localities and schools it works with (a locality lead within their
localities only); nobody else may, and bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.partnerships.models import Agency, AgencyContact, AgencyLink
from evenbetter.schools.models import Locality, School

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts() -> tuple[int, int, int]:
    return Agency.objects.count(), AgencyContact.objects.count(), AgencyLink.objects.count()


def test_a_system_lead_adds_an_agency_its_team_contact_and_where_it_works(
    client_for: Callable[[str], Client], east_hampshire: Locality, school_b: School
) -> None:
    client = client_for("system_lead")
    assert (
        client.post(reverse("agency_create"), {"name": "  Hampshire   early help ", "kind": "early_help"}).status_code
        == 302
    )
    agency = Agency.objects.get()
    assert agency.name == "Hampshire early help"
    contact = {"name": "Sam Patel", "team": "Early help south", "role": "Family worker", "email": "sam@example.org"}
    assert client.post(reverse("agency_contact_create", args=[agency.pk]), contact).status_code == 302
    sam = AgencyContact.objects.get()
    assert (sam.agency, sam.team) == (agency, "Early help south")
    across = {"locality": east_hampshire.slug, "contact": sam.pk, "note": "Tuesdays"}
    assert client.post(reverse("agency_link_create", args=[agency.pk]), across).status_code == 302
    assert client.post(reverse("agency_link_create", args=[agency.pk]), {"school_urn": school_b.urn}).status_code == 302
    assert set(AgencyLink.objects.values_list("locality__name", "school__urn")) == {
        ("East Hampshire", None),
        (None, school_b.urn),
    }
    page = client.get(reverse("agency_detail", args=[agency.pk])).content.decode()
    assert "Early help south" in page and "across" in page and school_b.name in page
    # The team around a school of the locality now names the agency and its contact.
    team = client_for("school_leader_a").get(reverse("school_section", args=[_alton().pk, "partnership-life"]))
    assert "Hampshire early help" in team.content.decode() and "Sam Patel" in team.content.decode()


def _alton() -> School:
    return School.objects.get(urn=115850)


def test_a_locality_lead_links_an_agency_only_within_their_localities(
    locality_lead: User, guildford: Locality, school_b: School, school_a: School
) -> None:
    client = _client(locality_lead)
    assert client.post(reverse("agency_create"), {"name": "Hampshire police", "kind": "police"}).status_code == 302
    agency = Agency.objects.get()
    # Another locality is not among the choices; a school outside theirs is refused by name.
    refused = client.post(reverse("agency_link_create", args=[agency.pk]), {"locality": guildford.slug})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    refused = client.post(reverse("agency_link_create", args=[agency.pk]), {"school_urn": school_b.urn})
    assert "Ash Grange Nursery and Primary School (125116) is not in a locality you lead" in refused.content.decode()
    assert not AgencyLink.objects.exists()
    assert client.post(reverse("agency_link_create", args=[agency.pk]), {"school_urn": school_a.urn}).status_code == 302
    assert AgencyLink.objects.get().school == school_a


def test_a_locality_lead_edits_only_agencies_that_work_in_their_localities(
    locality_lead: User, guildford: Locality, east_hampshire: Locality
) -> None:
    elsewhere = Agency.objects.create(name="Surrey police", kind="police")
    AgencyLink.objects.create(agency=elsewhere, locality=guildford)
    theirs = Agency.objects.create(name="Hampshire police", kind="police")
    AgencyLink.objects.create(agency=theirs, locality=east_hampshire)
    client = _client(locality_lead)
    assert client.get(reverse("agency_detail", args=[elsewhere.pk])).status_code == 200  # a list of services
    assert (
        client.post(reverse("agency_update", args=[elsewhere.pk]), {"name": "X", "kind": "police"}).status_code == 403
    )
    refused = client.post(reverse("agency_contact_create", args=[elsewhere.pk]), {"name": "Someone"})
    assert refused.status_code == 403
    link = AgencyLink.objects.get(agency=elsewhere)
    assert client.post(reverse("agency_link_remove", args=[link.pk])).status_code == 403
    assert (
        Agency.objects.get(pk=elsewhere.pk).name == "Surrey police" and AgencyLink.objects.filter(pk=link.pk).exists()
    )
    assert (
        client.post(reverse("agency_update", args=[theirs.pk]), {"name": "Hants police", "kind": "police"}).status_code
        == 302
    )
    own_link = AgencyLink.objects.get(agency=theirs)
    assert client.post(reverse("agency_link_remove", args=[own_link.pk])).status_code == 302
    assert not AgencyLink.objects.filter(pk=own_link.pk).exists()


@pytest.mark.parametrize(
    "persona", ["school_leader_a", "partnership_lead", "governor", "partner_agency", "staff_member", "outsider"]
)
def test_only_system_and_locality_leads_keep_agencies(client_for: Callable[[str], Client], persona: str) -> None:
    agency = Agency.objects.create(name="Hampshire police", kind="police")
    client = client_for(persona)
    assert client.get(reverse("agency_list")).status_code == 403
    assert client.get(reverse("agency_detail", args=[agency.pk])).status_code == 403
    before = _counts()
    assert client.post(reverse("agency_create"), {"name": "New", "kind": "police"}).status_code == 403
    assert client.post(reverse("agency_contact_create", args=[agency.pk]), {"name": "Someone"}).status_code == 403
    assert _counts() == before


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("agency_create", {"name": "Hampshire police", "kind": "police"}, "There is already an agency called"),
        ("agency_create", {"name": "   ", "kind": "police"}, "This field is required."),
        ("agency_create", {"name": "New", "kind": "wizards"}, "Select a valid choice"),
        ("agency_contact_create", {"name": "Sam", "email": "not an address"}, "Enter a valid email address."),
        ("agency_contact_create", {"name": "Sam", "phone": "call me"}, "digits, spaces and + ( ) - only"),
        ("agency_link_create", {"note": "Tuesdays"}, "Choose a locality, or give the URN of a school it works with."),
        ("agency_link_create", {"locality": "east-hampshire", "school_urn": 115850}, "not both"),
        ("agency_link_create", {"school_urn": 999999}, "No school on the register has the URN 999999."),
        ("agency_link_create", {"locality": "east-hampshire", "contact": 999999}, "Select a valid choice"),
    ],
)
def test_bad_input_about_agencies_is_refused_clearly_and_changes_nothing(
    client_for: Callable[[str], Client], system_lead: User, url: str, data: dict[str, object], message: str
) -> None:
    agency = Agency.objects.create(name="Hampshire police", kind="police")
    before = _counts()
    args = [] if url == "agency_create" else [agency.pk]
    response = client_for("system_lead").post(reverse(url, args=args), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def test_an_agency_is_not_linked_twice_to_the_same_place(
    client_for: Callable[[str], Client], east_hampshire: Locality
) -> None:
    agency = Agency.objects.create(name="Hampshire police", kind="police")
    AgencyLink.objects.create(agency=agency, locality=east_hampshire)
    response = client_for("system_lead").post(
        reverse("agency_link_create", args=[agency.pk]), {"locality": "east-hampshire"}
    )
    assert response.status_code == 400
    assert "Hampshire police already works with East Hampshire." in response.content.decode()
    assert AgencyLink.objects.count() == 1


def test_a_lead_says_who_acts_for_an_agency_and_they_then_act_for_it(
    client_for: Callable[[str], Client], partner_agency: User, staff_member: User
) -> None:
    from evenbetter.accounts.selectors import scope_of
    from evenbetter.partnerships.models import AgencyMember

    police = Agency.objects.create(name="Hampshire police", kind="police")
    lead = client_for("system_lead")
    add = reverse("agency_member_add", args=[police.pk])
    # Someone without a partner-agency role is refused, saying what to do, and nothing is written.
    refused = lead.post(add, {"who": staff_member.email}, follow=True)
    assert "has no partner-agency role yet" in refused.content.decode()
    assert not AgencyMember.objects.filter(agency=police).exists()
    assert "No active account" in lead.post(add, {"who": "nobody@example.org"}, follow=True).content.decode()
    # The partner agency persona, by e-mail: they now act for the police too.
    lead.post(add, {"who": partner_agency.email.upper()})
    member = AgencyMember.objects.get(agency=police)
    assert member.user == partner_agency
    assert police.pk in scope_of(User.objects.get(pk=partner_agency.pk)).agency_ids
    assert "already works for" in lead.post(add, {"who": "partner_agency"}, follow=True).content.decode()
    page = lead.get(reverse("agency_detail", args=[police.pk])).content.decode()
    assert "People who act for it" in page and str(partner_agency) in page
    lead.post(reverse("agency_member_remove", args=[member.pk]))
    assert not AgencyMember.objects.filter(agency=police).exists()
