"""Each school's contact summary is worked out for every school in one pass and kept as at a
day (``SchoolContactSummary``): the same as working it out for the school alone, read by the
school page on its own day only, dropped for the two schools of a new contact and for schools
the register moves into or out of a trust (and their contacts), never shown to a reader who may
not see the school's records; the refresh keeps them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.jobs.registry import refresh_steps
from evenbetter.partnerships.models import SchoolContactSummary
from evenbetter.partnerships.selectors import _school_contact_summary, school_contact_summary
from evenbetter.partnerships.services import contact_record, contact_summaries_keep
from evenbetter.schools.models import Partnership, School
from evenbetter.schools.services import register_sync_partnerships
from tests.conftest import school_page_part

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)


def _contact(school: School, other: School, happened_on: dt.date) -> None:
    contact_record(school=school, other_school=other, kind="visit", happened_on=happened_on, about="", recorded_by=None)


@pytest.fixture
def contacts(alton_cluster: Partnership, school_a: School, school_b: School, school_c: School) -> None:
    _contact(school_a, school_b, dt.date(2026, 10, 1))
    _contact(school_c, school_a, dt.date(2026, 6, 20))
    _contact(school_b, school_c, dt.date(2025, 1, 5))  # more than 12 months before


def test_every_schools_summary_is_kept_as_worked_out_alone(contacts: None, school_a: School) -> None:
    assert contact_summaries_keep(today=TODAY) == School.objects.count()
    kept = {row.school_id: row for row in SchoolContactSummary.objects.all()}
    for school in School.objects.all():
        alone = _school_contact_summary(school, TODAY)
        row = kept[school.pk]
        assert row.as_of == TODAY
        assert (row.distinct_peers, row.contacts, row.days_since_contact, row.outside_partnership_share,
                row.isolated) == (alone.distinct_peers, alone.contacts, alone.days_since_contact,
                                  alone.outside_partnership_share, alone.isolated)  # fmt: skip
    # Checked by hand: school A saw B on 1 October and C on 20 June, 32 days before.
    assert (kept[school_a.pk].distinct_peers, kept[school_a.pk].days_since_contact) == (2, 32.0)


def test_the_kept_row_is_read_on_its_own_day_only(contacts: None, system_lead: User, school_a: School) -> None:
    contact_summaries_keep(today=TODAY)
    # A row that says something else, to see which is read.
    SchoolContactSummary.objects.filter(school=school_a).update(distinct_peers=7)
    today = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert today is not None and today.distinct_peers == 7
    tomorrow = school_contact_summary(user=system_lead, school=school_a, today=TODAY + dt.timedelta(days=1))
    assert tomorrow is not None and tomorrow.distinct_peers == 2


def test_a_new_contact_drops_its_two_schools_rows(
    contacts: None, system_lead: User, school_a: School, school_b: School, school_c: School
) -> None:
    contact_summaries_keep(today=TODAY)
    _contact(school_b, school_a, dt.date(2026, 11, 1))
    assert set(SchoolContactSummary.objects.values_list("school_id", flat=True)) == set(
        School.objects.exclude(pk__in=[school_a.pk, school_b.pk]).values_list("pk", flat=True)
    )
    summary = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert summary is not None and (summary.contacts, summary.days_since_contact) == (3, 1.0)


def test_a_reader_who_may_not_see_the_schools_records_gets_none_though_it_is_kept(
    contacts: None, outsider: User, school_leader_b: User, school_a: School
) -> None:
    contact_summaries_keep(today=TODAY)
    assert school_contact_summary(user=outsider, school=school_a, today=TODAY) is None
    assert school_contact_summary(user=school_leader_b, school=school_a, today=TODAY) is None


def _glance_life(client: Client, school: School) -> tuple[str, int]:
    return school_page_part(client, school, 'id="glance-life-heading"')


def test_the_page_reads_the_kept_row_and_says_the_same_without_it(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School
) -> None:
    today = timezone.localdate()  # the page draws the summary as at today
    _contact(school_a, school_b, today - dt.timedelta(days=10))
    _contact(school_c, school_a, today - dt.timedelta(days=40))
    lead = client_for("system_lead")
    contact_summaries_keep()  # as at today, the day the page is drawn
    kept, with_row = _glance_life(lead, school_a)
    assert "In touch with 2 peer schools" in kept
    SchoolContactSummary.objects.all().delete()
    worked_out, without_row = _glance_life(lead, school_a)
    assert worked_out == kept
    assert with_row < without_row


def test_the_refresh_keeps_them_after_the_computed_indicators() -> None:
    orders = {step.code: step.order for step in refresh_steps()}
    assert orders["computed_indicators"] < orders["contact_summaries"] < orders["benchmarks"]


def test_joining_a_trust_drops_the_rows_of_the_schools_moved_and_of_their_contacts(
    contacts: None, system_lead: User, school_a: School, school_b: School, school_c: School
) -> None:
    contact_summaries_keep(today=TODAY)
    before = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert before is not None
    # The register now puts A and B in one trust: A's contact with B is inside a partnership.
    School.objects.filter(pk__in=[school_a.pk, school_b.pk]).update(trust_name="The Even Better Trust")
    register_sync_partnerships(today=TODAY)
    # A and B moved; C had contact with them: their shares may change. Nobody else's.
    assert set(SchoolContactSummary.objects.values_list("school_id", flat=True)) == set(
        School.objects.exclude(pk__in=[school_a.pk, school_b.pk, school_c.pk]).values_list("pk", flat=True)
    )
    after = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert after is not None
    assert after.outside_partnership_share == _school_contact_summary(school_a, TODAY).outside_partnership_share
    assert after.outside_partnership_share != before.outside_partnership_share
    # Run again on the same register, nothing moves and the rows kept again stay.
    contact_summaries_keep(today=TODAY)
    register_sync_partnerships(today=TODAY)
    assert SchoolContactSummary.objects.count() == School.objects.count()
