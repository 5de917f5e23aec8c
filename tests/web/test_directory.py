"""The schools directory: search, filters, and only what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School
from evenbetter.schools.selectors import DirectoryFilters, school_directory

pytestmark = pytest.mark.django_db


def _urns(client: Client, **params: str) -> set[int]:
    response = client.get(reverse("school_directory"), params)
    assert response.status_code == 200
    return {school.urn for school in response.context["page"].object_list}


def test_a_school_leader_finds_a_school_by_name_or_urn(client_for: Callable[[str], Client]) -> None:
    client = client_for("school_leader_a")
    assert _urns(client, q="ash grange") == {125116}
    assert _urns(client, q="125116") == {125116}
    assert _urns(client, q="GU34") == {115850, 115851}


def test_closed_schools_are_hidden_unless_asked_for(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    assert 115864 not in _urns(client)
    assert 115864 in _urns(client, status="closed")
    assert 115864 in _urns(client, status="all")
    assert 115850 not in _urns(client, status="closed")


def test_filters_by_locality_partnership_phase_and_ofsted(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    assert _urns(client, locality="east-hampshire") == {115850, 115851, 115865, 115869}
    assert _urns(client, partnership="alton-cluster") == {115850, 115851}
    assert _urns(client, ofsted="Outstanding") == {138764}
    assert _urns(client, phase="Primary") == _urns(client)


def test_a_wrong_filter_is_reported_and_changes_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    response = client.get(reverse("school_directory"), {"locality": "atlantis", "q": "alton infant"})
    assert response.status_code == 200
    assert b"Some filters were not applied" in response.content
    assert {s.urn for s in response.context["page"].object_list} == {115850}


def test_a_governor_finds_only_the_school_they_govern(client_for: Callable[[str], Client]) -> None:
    assert _urns(client_for("governor"), status="all") == {115850}


def test_a_partner_agency_finds_only_schools_in_its_localities(client_for: Callable[[str], Client]) -> None:
    assert _urns(client_for("partner_agency"), status="all") == {115850, 115851, 115864, 115865, 115869}


def test_filter_choices_offer_only_what_the_user_may_see(client_for: Callable[[str], Client]) -> None:
    form = client_for("partner_agency").get(reverse("school_directory")).context["form"]
    assert [loc.slug for loc in form.fields["locality"].queryset] == ["east-hampshire"]
    assert not form.fields["partnership"].queryset.exists()


def test_the_directory_exports_the_schools_it_lists(client_for, register) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    from evenbetter.schools.models import School

    agency = client_for("partner_agency")
    listed = agency.get(reverse("school_directory")).context["total"]
    sheet = load_workbook(io.BytesIO(agency.get(reverse("school_directory"), {"format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == listed < School.objects.count()  # an agency sees its locality's schools only
    assert rows[0][:2] == ("urn", "school")


def test_each_school_once_with_no_distinct_whatever_the_filter(
    client_for: Callable[[str], Client], school_a: School, alton_cluster: Partnership, east_hampshire: Locality,
    system_lead: User,
) -> None:  # fmt: skip
    # A school that left the cluster and joined again: one current membership, listed once.
    PartnershipMembership.objects.filter(partnership=alton_cluster, school=school_a).update(
        left_on=dt.date(2020, 7, 31)
    )
    PartnershipMembership.objects.create(partnership=alton_cluster, school=school_a, joined_on=dt.date(2021, 9, 1))
    client = client_for("system_lead")
    for params in ({}, {"partnership": "alton-cluster"}, {"locality": "east-hampshire"}, {"q": "alton"}):
        page = client.get(reverse("school_directory"), params).context["page"]
        listed = [school.pk for school in page]
        assert len(listed) == len(set(listed)) == page.paginator.count, params
    assert sorted(
        s.urn for s in client.get(reverse("school_directory"), {"partnership": "alton-cluster"}).context["page"]
    ) == [115850, 115851]
    # DISTINCT over every school was most of the page: none is needed (see school_directory).
    for filters in (
        DirectoryFilters(),
        DirectoryFilters(partnership=alton_cluster, locality=east_hampshire, query="alton", ofsted="none"),
    ):
        assert "DISTINCT" not in str(school_directory(user=system_lead, filters=filters).query)
