"""A membership ties a role to exactly what that role needs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.models import Locality, Partnership, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("someone", password="x" * 12)


def test_roles_tied_to_what_they_need_are_valid(
    user: User, school_a: School, alton_cluster: Partnership, east_hampshire: Locality
) -> None:
    for membership in [
        Membership(user=user, role=Role.SYSTEM_LEAD),
        Membership(user=user, role=Role.PARTNERSHIP_LEAD, partnership=alton_cluster),
        Membership(user=user, role=Role.SCHOOL_LEADER, school=school_a),
        Membership(user=user, role=Role.GOVERNOR, school=school_a),
        Membership(user=user, role=Role.PARTNER_AGENCY, locality=east_hampshire),
        Membership(user=user, role=Role.PARTNER_AGENCY, school=school_a),
    ]:
        membership.full_clean()


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        (Role.SCHOOL_LEADER, {}, "must be tied to a school"),
        (Role.GOVERNOR, {"locality": "east_hampshire"}, "must be tied to a school"),
        (Role.PARTNERSHIP_LEAD, {"school": "school_a"}, "must be tied to a partnership"),
        (Role.SYSTEM_LEAD, {"school": "school_a"}, "whole system"),
        (Role.PARTNER_AGENCY, {"school": "school_a", "locality": "east_hampshire"}, "not several"),
    ],
)
def test_a_role_tied_to_the_wrong_thing_is_refused(
    user: User, role: str, scope: dict[str, str], message: str, request: pytest.FixtureRequest
) -> None:
    membership = Membership(user=user, role=role, **{k: request.getfixturevalue(v) for k, v in scope.items()})
    with pytest.raises(ValidationError, match=message):
        membership.full_clean()
