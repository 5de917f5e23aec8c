"""The dashboards' and the map's schools: each once under every filter, with no DISTINCT (over all
England's schools it was most of the map's SQL; the constraints make it needless)."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.accounts.models import User
from evenbetter.dashboards.selectors import dashboard_schools
from evenbetter.schools.models import Partnership, PartnershipMembership, School

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"locality": "east-hampshire"}, {"partnership": "alton-cluster"}, {"phase": "Primary"},
           {"locality": "east-hampshire", "partnership": "alton-cluster", "phase": "Primary"}]  # fmt: skip


@pytest.mark.parametrize("persona", ["system_lead", "governor", "partner_agency", "school_leader_a"])
def test_each_school_once_and_no_distinct_whatever_the_filter(
    request: pytest.FixtureRequest, persona: str, school_a: School, alton_cluster: Partnership
) -> None:
    # A school that left the cluster and joined again: one current membership.
    PartnershipMembership.objects.filter(partnership=alton_cluster, school=school_a).update(
        left_on=dt.date(2020, 7, 31)
    )
    PartnershipMembership.objects.create(partnership=alton_cluster, school=school_a, joined_on=dt.date(2021, 9, 1))
    user: User = request.getfixturevalue(persona)
    for filters in FILTERS:
        schools = dashboard_schools(user, **filters)
        assert "DISTINCT" not in str(schools.query), filters
        ids = list(schools.values_list("pk", flat=True))
        assert len(ids) == len(set(ids)) == schools.count(), filters
    in_cluster = set(dashboard_schools(request.getfixturevalue("system_lead"), partnership="alton-cluster"))
    assert {school.urn for school in in_cluster} == {115850, 115851}
