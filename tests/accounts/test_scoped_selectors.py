"""The scoped selectors, persona by persona (DESIGN.md, "Users and what they may see")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.access import (
    SchoolAccess,
    localities_visible_among,
    localities_visible_to,
    partnerships_visible_to,
    school_access,
    schools_in_full_view_of,
    schools_visible_to,
)
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School

pytestmark = pytest.mark.django_db


def _urns(schools) -> set[int]:
    return set(schools.values_list("urn", flat=True))


def test_a_system_lead_sees_every_school_in_full(system_lead: User, school_b: School) -> None:
    assert schools_visible_to(system_lead).count() == School.objects.count() == 13
    assert schools_in_full_view_of(system_lead).count() == 13
    assert school_access(system_lead, school_b) == SchoolAccess.FULL


def test_a_school_leader_sees_their_own_school_in_full_and_the_rest_as_public(
    school_leader_a: User, school_a: School, school_b: School
) -> None:
    assert schools_visible_to(school_leader_a).count() == 13
    assert _urns(schools_in_full_view_of(school_leader_a)) == {115850}
    assert school_access(school_leader_a, school_a) == SchoolAccess.FULL
    assert school_access(school_leader_a, school_b) == SchoolAccess.PUBLIC


def test_a_partnership_lead_sees_current_members_in_full(
    partnership_lead: User, alton_cluster: Partnership, school_c: School, school_b: School
) -> None:
    assert _urns(schools_in_full_view_of(partnership_lead)) == {115850, 115851}
    assert school_access(partnership_lead, school_b) == SchoolAccess.PUBLIC
    PartnershipMembership.objects.filter(partnership=alton_cluster, school=school_c).update(left_on="2024-08-31")
    fresh = User.objects.get(pk=partnership_lead.pk)  # the scope is worked out once per user object
    assert _urns(schools_in_full_view_of(fresh)) == {115850}
    assert school_access(fresh, school_c) == SchoolAccess.PUBLIC


def test_a_locality_lead_sees_the_schools_of_their_locality_in_full(
    locality_lead: User, east_hampshire: Locality, school_a: School, school_b: School
) -> None:
    in_locality = set(east_hampshire.schools.values_list("urn", flat=True))
    assert 115850 in in_locality and 125116 not in in_locality
    assert _urns(schools_in_full_view_of(locality_lead)) == in_locality
    assert school_access(locality_lead, school_a) == SchoolAccess.FULL
    assert school_access(locality_lead, school_b) == SchoolAccess.PUBLIC
    assert schools_visible_to(locality_lead).count() == 13
    east_hampshire.schools.remove(school_a)
    fresh = User.objects.get(pk=locality_lead.pk)  # the scope is worked out once per user object
    assert school_access(fresh, school_a) == SchoolAccess.PUBLIC


def test_a_staff_member_sees_their_school_without_its_risk_and_others_as_public(
    staff_member: User, school_a: School, school_b: School
) -> None:
    assert school_access(staff_member, school_a) == SchoolAccess.STAFF
    assert school_access(staff_member, school_b) == SchoolAccess.PUBLIC
    assert not schools_in_full_view_of(staff_member).exists()
    assert schools_visible_to(staff_member).count() == 13


def test_a_governor_sees_only_their_own_school(governor: User, school_a: School, school_b: School) -> None:
    assert _urns(schools_visible_to(governor)) == {115850}
    assert not schools_in_full_view_of(governor).exists()
    assert school_access(governor, school_a) == SchoolAccess.GOVERNOR
    assert school_access(governor, school_b) == SchoolAccess.NONE
    assert not localities_visible_to(governor).exists()
    assert not partnerships_visible_to(governor).exists()


def test_a_partner_agency_sees_the_localities_and_schools_it_works_with(
    partner_agency: User, school_a: School, school_b: School
) -> None:
    assert _urns(schools_visible_to(partner_agency)) == {115850, 115851, 115864, 115865, 115869}
    assert [loc.name for loc in localities_visible_to(partner_agency)] == ["East Hampshire"]
    assert school_access(partner_agency, school_a) == SchoolAccess.AGENCY
    assert school_access(partner_agency, school_b) == SchoolAccess.NONE
    assert not schools_in_full_view_of(partner_agency).exists()


def test_a_partner_agency_tied_to_one_school_sees_that_school(school_b: School) -> None:
    agency = User.objects.create_user("health_visitor", password="x" * 12)
    Membership.objects.create(user=agency, role=Role.PARTNER_AGENCY, school=school_b)
    assert _urns(schools_visible_to(agency)) == {125116}
    assert not localities_visible_to(agency).exists()


def test_roles_add_up_for_a_user_with_several(governor: User, school_b: School) -> None:
    Membership.objects.create(user=governor, role=Role.SCHOOL_LEADER, school=school_b)
    fresh = User.objects.get(pk=governor.pk)
    assert schools_visible_to(fresh).count() == 13
    assert _urns(schools_in_full_view_of(fresh)) == {125116}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "inactive school leader"])
def test_no_role_or_no_sign_in_sees_nothing(who: str, request: pytest.FixtureRequest, school_a: School) -> None:
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "outsider":
        user = request.getfixturevalue("outsider")
    else:
        user = request.getfixturevalue("school_leader_a")
        user.is_active = False
    assert not schools_visible_to(user).exists()
    assert not schools_in_full_view_of(user).exists()
    assert not localities_visible_to(user).exists()
    assert not partnerships_visible_to(user).exists()
    assert school_access(user, school_a) == SchoolAccess.NONE


@pytest.mark.parametrize(
    "who", ["system_lead", "school_leader_a", "governor", "partner_agency", "locality_lead", "outsider"]
)
def test_the_localities_visible_among_some_are_those_localities_visible_to_gives(
    who: str, request: pytest.FixtureRequest, east_hampshire: Locality, guildford: Locality
) -> None:
    # The school page links the localities of its school the reader may open, with no query.
    user = request.getfixturevalue(who)
    every = list(Locality.objects.values_list("pk", flat=True))
    assert len(every) > 1
    assert localities_visible_among(user, every) == set(localities_visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("persona", "queries"),
    [("system_lead", 1), ("school_leader_a", 1), ("governor", 1), ("partnership_lead", 2), ("locality_lead", 2)],
)
def test_a_scope_asks_for_the_schools_of_a_group_only_of_its_lead(
    persona: str, queries: int, request: pytest.FixtureRequest, django_assert_num_queries
) -> None:
    """The members of led partnerships (and the schools of led localities) are read only for a
    lead of one: every other reader's every page paid a query that found nothing."""
    from evenbetter.accounts.selectors import scope_of

    user = User.objects.get(pk=request.getfixturevalue(persona).pk)  # nothing of its scope kept yet
    with django_assert_num_queries(queries):
        scope = scope_of(user)
    assert bool(scope.partnership_school_ids) == (persona == "partnership_lead")
