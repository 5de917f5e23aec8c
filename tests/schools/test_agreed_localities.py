"""Agreed localities: system and locality leads draw them on the web (from URNs or a register
district), say who agreed them and when, and give each a lead; a school is in one agreed
locality at a time, with its history, and in its register district's locality until then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, Membership, Role, User
from evenbetter.accounts.selectors import scope_of
from evenbetter.indicators.models import ImportRun
from evenbetter.schools.access import SchoolAccess, school_access, schools_visible_to
from evenbetter.schools.models import Locality, LocalityLink, School
from evenbetter.schools.services import locality_agree, locality_schools_set, register_sync_localities

pytestmark = pytest.mark.django_db

A, C, BORDON, BURITON, B, HALE = 115850, 115851, 115865, 115869, 125116, 115900


def _school(urn: int) -> School:
    return School.objects.get(urn=urn)


def _localities_of(urn: int) -> set[str]:
    return set(_school(urn).localities.values_list("name", flat=True))


def _agree(name: str, *urns: int, on: dt.date | None = None) -> Locality:
    return locality_agree(
        name=name,
        description="",
        agreed_by="The council and the police",
        agreed_on=dt.date(2026, 9, 1),
        schools=[_school(urn) for urn in urns],
        lead=None,
        by=None,
        today=on,
    )


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Alton and the villages",
        "agreed_by": "East Hampshire council, Hampshire police, the NHS trust",
        "agreed_on": "2026-09-01",
        "urns": f"{A}, {C}",
        "lead": "",
    }
    data.update(changes)
    return data


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_system_lead_draws_a_locality_from_a_district_and_a_urn_and_gives_it_a_lead(
    client_for: Callable[[str], Client], system_lead: User, school_leader_b: User
) -> None:
    response = client_for("system_lead").post(
        reverse("locality_create"), _form(urns=str(B), district="east-hampshire", lead="school_leader_b")
    )
    assert response.status_code == 302
    agreed = Locality.objects.get(name="Alton and the villages")
    assert agreed.source == Locality.Source.AGREED and agreed.agreed_on == dt.date(2026, 9, 1)
    # The district's open schools (not Bordon Junior, closed) and Ash Grange from Guildford.
    expected = {A, C, BORDON, BURITON, B}
    assert set(agreed.schools.values_list("urn", flat=True)) == expected
    assert set(LocalityLink.objects.filter(left_on=None).values_list("school__urn", flat=True)) == expected
    # Each school is in its agreed locality only: the districts are the default until then.
    assert _localities_of(A) == {"Alton and the villages"} and _localities_of(B) == {"Alton and the villages"}
    assert set(Locality.objects.get(name="East Hampshire").schools.values_list("urn", flat=True)) == {115864}
    # The lead: a locality-lead membership, audited as every membership change is.
    assert Membership.objects.filter(user=school_leader_b, role=Role.LOCALITY_LEAD, locality=agreed).exists()
    change = AuditEvent.objects.get(action=AuditEvent.Action.MEMBERSHIP_CHANGE, user=system_lead)
    assert change.detail["member"] == "school_leader_b"
    page = client_for("school_leader_a").get(agreed.get_absolute_url()).content.decode()
    assert "Agreed by East Hampshire council, Hampshire police, the NHS trust on 1 September 2026" in page
    assert "Led by school_leader_b" in page and "History" in page


def test_moving_a_school_closes_its_old_link_and_keeps_the_history(register: ImportRun) -> None:
    today = timezone.localdate()
    first = _agree("Alton", A, C, on=today - dt.timedelta(days=30))
    second = _agree("Anstey", C, on=today)
    old = LocalityLink.objects.get(locality=first, school__urn=C)
    assert (old.joined_on, old.left_on) == (today - dt.timedelta(days=30), today)
    assert LocalityLink.objects.get(locality=second, school__urn=C).left_on is None
    assert set(first.schools.values_list("urn", flat=True)) == {A}
    assert _localities_of(C) == {"Anstey"}
    # The database keeps one open link per school, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalityLink.objects.create(locality=first, school=_school(C), joined_on=today)


def test_a_school_taken_off_goes_back_to_its_district_and_the_register_leaves_agreed_schools_alone(
    register: ImportRun,
) -> None:
    agreed = _agree("Alton", A, C)
    register_sync_localities()  # a new register import
    assert _localities_of(A) == {"Alton"}
    locality_schools_set(locality=agreed, schools=[_school(C)], on=timezone.localdate(), by=None)
    assert _localities_of(A) == {"East Hampshire"} and _localities_of(C) == {"Alton"}
    assert LocalityLink.objects.get(school__urn=A).left_on == timezone.localdate()
    register_sync_localities()
    assert _localities_of(A) == {"East Hampshire"} and _localities_of(C) == {"Alton"}


def test_who_sees_a_school_follows_its_agreed_locality(
    locality_lead: User, partner_agency: User, register: ImportRun
) -> None:
    """A locality lead's full view and an agency's view are read from the locality's schools now."""
    assert school_access(locality_lead, _school(A)) == SchoolAccess.FULL
    _agree("Alton", A)
    for user in (locality_lead, partner_agency):
        user = User.objects.get(pk=user.pk)  # a new request: the scope is worked out again
        assert _school(A).pk not in scope_of(user).locality_school_ids
        assert school_access(user, _school(C)) in (SchoolAccess.FULL, SchoolAccess.AGENCY)
    assert school_access(User.objects.get(pk=locality_lead.pk), _school(A)) == SchoolAccess.PUBLIC
    assert not schools_visible_to(User.objects.get(pk=partner_agency.pk)).filter(urn=A).exists()


def test_a_locality_lead_draws_from_their_own_schools_and_leads_what_they_draw(locality_lead: User) -> None:
    client = _client(locality_lead)
    assert client.post(reverse("locality_create"), _form()).status_code == 302
    agreed = Locality.objects.get(name="Alton and the villages")
    assert Membership.objects.filter(user=locality_lead, role=Role.LOCALITY_LEAD, locality=agreed).exists()
    # ... and keeps the schools in full, now through the new locality.
    user = User.objects.get(pk=locality_lead.pk)
    assert school_access(user, _school(A)) == SchoolAccess.FULL
    edit = client.post(reverse("locality_update", args=[agreed.slug]), _form(urns=f"{A}", name="Alton"))
    assert edit.status_code == 302
    assert set(Locality.objects.get(pk=agreed.pk).schools.values_list("urn", flat=True)) == {A}


def test_a_locality_lead_may_not_take_another_places_schools(locality_lead: User) -> None:
    response = _client(locality_lead).post(reverse("locality_create"), _form(urns=f"{A} {B}"))
    assert response.status_code == 400
    assert "only the schools of the localities you lead; not Ash Grange Nursery and Primary School (125116)" in (
        response.content.decode()
    )
    assert not Locality.objects.filter(source=Locality.Source.AGREED).exists()
    assert not LocalityLink.objects.exists()


def test_a_locality_lead_edits_only_the_localities_they_lead(
    locality_lead: User, client_for: Callable[[str], Client]
) -> None:
    theirs = _agree("Alton", A)
    Membership.objects.create(user=locality_lead, role=Role.LOCALITY_LEAD, locality=theirs)
    other = _agree("Ash", B)
    client = _client(locality_lead)
    assert client.get(reverse("locality_update", args=[theirs.slug])).status_code == 200
    assert client.get(reverse("locality_update", args=[other.slug])).status_code == 403
    refused = client.post(reverse("locality_update", args=[other.slug]), _form(name="Taken", urns=str(A)))
    assert refused.status_code == 403
    assert Locality.objects.get(pk=other.pk).name == "Ash"
    # A register district follows the register: nobody edits it on the web, a system lead neither.
    district = Locality.objects.get(name="East Hampshire")
    assert client_for("system_lead").get(reverse("locality_update", args=[district.slug])).status_code == 403
    assert client_for("system_lead").get(reverse("locality_update", args=[other.slug])).status_code == 200


@pytest.mark.parametrize(
    "persona", ["school_leader_a", "partnership_lead", "governor", "partner_agency", "staff_member", "outsider"]
)
def test_only_system_and_locality_leads_draw_localities(client_for: Callable[[str], Client], persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("locality_create")).status_code == 403
    assert client.post(reverse("locality_create"), _form()).status_code == 403
    assert not Locality.objects.filter(source=Locality.Source.AGREED).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"urns": "115850 abc"}, "Not a URN (a URN is a number, such as 115850): abc."),
        ({"urns": "999999"}, "No school on the register has URN 999999."),
        ({"urns": "115864"}, "Closed, so left out of localities: Bordon Junior School (115864)."),
        ({"urns": ""}, "Name at least one school, or start from a register district."),
        ({"agreed_on": "2999-01-01"}, "The date is in the future"),
        ({"agreed_by": ""}, "This field is required."),
        ({"lead": "nobody_here"}, "No account has the user name &quot;nobody_here&quot;."),
        ({"name": "east hampshire"}, "There is already a locality called &quot;east hampshire&quot;"),
        ({"district": "no-such-district"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    system_lead: User, register: ImportRun, changes: dict[str, object], message: str
) -> None:
    before = (Locality.objects.count(), Membership.objects.count(), LocalityLink.objects.count())
    response = _client(system_lead).post(reverse("locality_create"), _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Locality.objects.count(), Membership.objects.count(), LocalityLink.objects.count()) == before


def test_the_migration_gives_schools_already_in_agreed_localities_one_open_link(register: ImportRun) -> None:
    """Agreed localities set in admin before links were kept: a school in several keeps the first by name."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("evenbetter.schools.migrations.0004_agreed_locality_links")
    beta = Locality.objects.create(name="Beta", slug="beta", source=Locality.Source.AGREED)
    alpha = Locality.objects.create(name="Alpha", slug="alpha", source=Locality.Source.AGREED)
    beta.schools.set([_school(A), _school(C)])
    alpha.schools.set([_school(A)])
    migration.links_for_agreed_localities(apps, None)
    assert set(LocalityLink.objects.values_list("school__urn", "locality__name", "joined_on", "left_on")) == {
        (A, "Alpha", None, None),
        (C, "Beta", None, None),
    }
    assert _localities_of(A) == {"Alpha"} and _localities_of(C) == {"Beta"}
    assert _localities_of(BURITON) == {"East Hampshire"}  # in no agreed locality: its district's


def test_editing_keeps_the_schools_the_form_cannot_list(
    client_for: Callable[[str], Client], register: ImportRun
) -> None:
    """The form lists open schools by URN: a closed school or one with no URN stays where it was."""
    abroad = School.objects.create(name="Scoil Bhríde", status=School.Status.OPEN)
    agreed = locality_agree(
        name="Both sides", description="", agreed_by="Partners", agreed_on=dt.date(2026, 9, 1),
        schools=[_school(A), _school(115864), abroad], lead=None, by=None,
    )  # fmt: skip
    form = client_for("system_lead").get(reverse("locality_update", args=[agreed.slug])).content.decode()
    assert f"\n{A}</textarea>" in form
    response = client_for("system_lead").post(reverse("locality_update", args=[agreed.slug]), _form(urns=f"{A} {C}"))
    assert response.status_code == 302
    assert set(Locality.objects.get(pk=agreed.pk).schools.values_list("name", flat=True)) == {
        "Alton Infant School", "Anstey Junior School", "Bordon Junior School", "Scoil Bhríde",
    }  # fmt: skip
