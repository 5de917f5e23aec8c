"""The register's districts become localities in a few queries per import, however many
districts there are; agreed localities are left alone; a school that moves district moves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evenbetter.indicators.models import ImportRun
from evenbetter.schools.models import Locality, School
from evenbetter.schools.services import register_sync_localities

pytestmark = pytest.mark.django_db

QUERIES = 8  # read schools, localities, slugs, memberships; write new localities and memberships; savepoints


def _memberships() -> dict[str, set[int]]:
    return {locality.name: {s.urn for s in locality.schools.all()} for locality in Locality.objects.all()}


def test_every_district_is_synced_in_a_few_queries_whatever_their_number(register: ImportRun) -> None:
    districts = set(School.objects.exclude(district="").values_list("district", flat=True))
    assert len(districts) >= 5  # enough that a query per district would show
    Locality.objects.all().delete()
    with CaptureQueriesContext(connection) as first:
        assert register_sync_localities() == len(districts)
    assert len(first.captured_queries) <= QUERIES, [q["sql"] for q in first.captured_queries]
    expected = {
        district: set(School.objects.filter(district=district).values_list("urn", flat=True)) for district in districts
    }
    assert _memberships() == expected

    with CaptureQueriesContext(connection) as again:
        assert register_sync_localities() == 0
    assert len(again.captured_queries) <= QUERIES
    assert _memberships() == expected


def test_a_school_that_moves_district_moves_locality_and_agreed_localities_are_left_alone(
    register: ImportRun,
) -> None:
    mover = School.objects.exclude(district="").order_by("urn").first()
    assert mover is not None
    old = mover.district
    agreed = Locality.objects.create(name="Riverside (agreed)", slug="riverside", source=Locality.Source.AGREED)
    agreed.schools.set([mover])
    # A district whose slug an agreed locality already holds gets the next free one.
    Locality.objects.create(name="Elsewhere agreed", slug="newtown", source=Locality.Source.AGREED)
    School.objects.filter(pk=mover.pk).update(district="Newtown")

    assert register_sync_localities() == 1
    newtown = Locality.objects.get(name="Newtown")
    assert (newtown.slug, newtown.source) == ("newtown-2", Locality.Source.REGISTER_DISTRICT)
    assert list(newtown.schools.all()) == [mover]
    assert mover not in Locality.objects.get(name=old).schools.all()
    assert list(agreed.schools.all()) == [mover]
