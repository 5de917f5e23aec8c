"""The rule of who may give which role where (``may_give``), as a table: pure, no database.

The places: school 1 and school 2 are in locality 10 (led by the locality lead), school 3 is in
locality 20; partnership 100 has schools 1 and 2 (inside locality 10), partnership 200 has
schools 2 and 3 (reaching outside it). The partnership lead leads partnership 100 (members 1
and 2); the school leader leads school 1.
"""

from __future__ import annotations

import pytest

from evenbetter.accounts.invitations import Place, may_give, may_give_any, roles_given_by
from evenbetter.accounts.models import Role
from evenbetter.accounts.selectors import UserScope

SCOPES = {
    "system lead": UserScope(roles=frozenset({Role.SYSTEM_LEAD})),
    "locality lead": UserScope(
        roles=frozenset({Role.LOCALITY_LEAD}), led_locality_ids=frozenset({10}), locality_school_ids=frozenset({1, 2})
    ),
    "partnership lead": UserScope(
        roles=frozenset({Role.PARTNERSHIP_LEAD}),
        led_partnership_ids=frozenset({100}),
        partnership_school_ids=frozenset({1, 2}),
    ),
    "school leader": UserScope(roles=frozenset({Role.SCHOOL_LEADER}), school_ids=frozenset({1})),
    "staff member": UserScope(roles=frozenset({Role.STAFF_MEMBER}), staff_school_ids=frozenset({1})),
    "governor": UserScope(roles=frozenset({Role.GOVERNOR}), governed_school_ids=frozenset({1})),
    "partner agency": UserScope(roles=frozenset({Role.PARTNER_AGENCY}), agency_locality_ids=frozenset({10})),
    "nobody": UserScope(),
}

PLACES = {
    "system lead": Place(Role.SYSTEM_LEAD),
    "locality lead of 10": Place(Role.LOCALITY_LEAD, locality_id=10),
    "partnership lead of 100 (inside 10)": Place(
        Role.PARTNERSHIP_LEAD, partnership_id=100, partnership_school_ids=frozenset({1, 2})
    ),
    "partnership lead of 200 (reaching out of 10)": Place(
        Role.PARTNERSHIP_LEAD, partnership_id=200, partnership_school_ids=frozenset({2, 3})
    ),
    "school leader of 1": Place(Role.SCHOOL_LEADER, school_id=1),
    "school leader of 2": Place(Role.SCHOOL_LEADER, school_id=2),
    "school leader of 3": Place(Role.SCHOOL_LEADER, school_id=3),
    "staff member of 1": Place(Role.STAFF_MEMBER, school_id=1),
    "staff member of 3": Place(Role.STAFF_MEMBER, school_id=3),
    "governor of 1": Place(Role.GOVERNOR, school_id=1),
    "governor of 2": Place(Role.GOVERNOR, school_id=2),
    "governor of 3": Place(Role.GOVERNOR, school_id=3),
    "agency of locality 10": Place(Role.PARTNER_AGENCY, locality_id=10),
    "agency of locality 20": Place(Role.PARTNER_AGENCY, locality_id=20),
    "agency of school 2": Place(Role.PARTNER_AGENCY, school_id=2),
    "agency of school 3": Place(Role.PARTNER_AGENCY, school_id=3),
}

# Who may give what: every place not listed for a giver is refused to that giver.
ALLOWED = {
    "system lead": set(PLACES),
    "locality lead": {
        "partnership lead of 100 (inside 10)",
        "school leader of 1",
        "school leader of 2",
        "staff member of 1",
        "governor of 1",
        "governor of 2",
        "agency of locality 10",
        "agency of school 2",
    },
    "partnership lead": {"school leader of 1", "school leader of 2"},
    "school leader": {"staff member of 1", "governor of 1"},
    "staff member": set(),
    "governor": set(),
    "partner agency": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("giver", SCOPES)
@pytest.mark.parametrize("place", PLACES)
def test_who_may_give_which_role_where(giver: str, place: str) -> None:
    assert may_give(SCOPES[giver], PLACES[place]) is (place in ALLOWED[giver])


def test_several_roles_add_up() -> None:
    """A headteacher who also leads a partnership may do what either role allows."""
    both = UserScope(
        roles=frozenset({Role.SCHOOL_LEADER, Role.PARTNERSHIP_LEAD}),
        school_ids=frozenset({1}),
        partnership_school_ids=frozenset({1, 2}),
    )
    assert may_give(both, PLACES["governor of 1"])
    assert may_give(both, PLACES["school leader of 2"])
    assert not may_give(both, PLACES["governor of 2"])


def test_a_partnership_with_no_member_school_is_not_inside_a_locality() -> None:
    empty = Place(Role.PARTNERSHIP_LEAD, partnership_id=300, partnership_school_ids=frozenset())
    assert not may_give(SCOPES["locality lead"], empty)


@pytest.mark.parametrize(
    ("giver", "roles"),
    [
        ("system lead", set(Role.values)),
        (
            "locality lead",
            {Role.PARTNERSHIP_LEAD, Role.SCHOOL_LEADER, Role.STAFF_MEMBER, Role.GOVERNOR, Role.PARTNER_AGENCY},
        ),
        ("partnership lead", {Role.SCHOOL_LEADER}),
        ("school leader", {Role.STAFF_MEMBER, Role.GOVERNOR}),
        ("staff member", set()),
        ("governor", set()),
        ("partner agency", set()),
        ("nobody", set()),
    ],
)
def test_the_roles_offered_are_those_the_rule_allows_somewhere(giver: str, roles: set[str]) -> None:
    assert set(roles_given_by(SCOPES[giver])) == roles
    assert may_give_any(SCOPES[giver]) is bool(roles)
    # Every role offered is allowed in at least one place of the table, and no other.
    allowed_somewhere = {PLACES[place].role for place in ALLOWED[giver]}
    assert allowed_somewhere == roles
