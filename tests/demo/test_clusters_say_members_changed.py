"""The demo's clusters are made through the register's membership service, which says which
schools joined (``schools.signals.partnership_members_changed``): their kept contact summaries
and their contacts' are dropped, and the figures kept over members renewed, as when the register
moves a school into a trust. Made again, nothing joins and nothing is dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.demo.services import demo_make_clusters
from evenbetter.indicators.figures_cache import figures_generation
from evenbetter.partnerships.models import SchoolContactSummary
from evenbetter.partnerships.services import contact_record, contact_summaries_keep
from evenbetter.schools.models import PartnershipMembership, School

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)


def test_making_the_clusters_drops_the_kept_summaries_of_the_schools_that_joined_and_renews_the_figures(
    school_a: School, school_b: School, school_c: School, django_capture_on_commit_callbacks
) -> None:
    # Ash Grange (school B) is in Guildford, a district the demo clusters; A and C are not.
    contact_record(school=school_b, other_school=school_a, kind="visit", happened_on=TODAY, about="", recorded_by=None)
    contact_summaries_keep(today=TODAY)
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        clusters = demo_make_clusters()
    assert PartnershipMembership.objects.filter(partnership__in=clusters, school=school_b, left_on=None).exists()
    # B joined; A had contact with B, so its share outside its partnerships may change. Not C's.
    kept = set(SchoolContactSummary.objects.values_list("school_id", flat=True))
    assert school_b.pk not in kept and school_a.pk not in kept
    assert school_c.pk in kept
    assert figures_generation() != before
    # Made again: nobody joins, and what was kept again stays.
    contact_summaries_keep(today=TODAY)
    again = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert demo_make_clusters() == clusters
    assert SchoolContactSummary.objects.count() == School.objects.count()
    assert figures_generation() == again
