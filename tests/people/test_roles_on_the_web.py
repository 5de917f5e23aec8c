"""Roles on the web: those who could have given a role change or end it, and switch accounts
off, within their own scope only; never their own; every change audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import AuditEvent, Membership, Role, User
from evenbetter.schools.models import School
from tests.conftest import PASSWORD, make_user

Action = AuditEvent.Action


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _role(user: User) -> Membership:
    return user.memberships.get()


@pytest.mark.parametrize(
    ("manager", "member", "allowed"),
    [
        ("school_leader_a", "staff_member", True),  # own school's staff
        ("school_leader_a", "governor", True),  # own school's governor
        ("school_leader_b", "governor", False),  # another school's governor
        ("school_leader_a", "partnership_lead", False),  # a role school leaders never give
        ("partnership_lead", "school_leader_a", True),  # a member school's leader
        ("partnership_lead", "school_leader_b", False),  # a school outside the partnership
        ("locality_lead", "partner_agency", True),  # an agency of its locality
        ("locality_lead", "school_leader_b", False),  # a school of another locality
        ("system_lead", "school_leader_b", True),
        ("governor", "staff_member", False),  # governors manage nobody
    ],
)
def test_ending_a_role_within_and_outside_scope(
    request: pytest.FixtureRequest, manager: str, member: str, allowed: bool, alton_cluster: object
) -> None:
    by, who = request.getfixturevalue(manager), request.getfixturevalue(member)
    membership = _role(who)
    answer = _signed_in(by).post(reverse("membership_end", args=[membership.pk]))
    if allowed:
        assert answer.status_code == 302
        assert not Membership.objects.filter(pk=membership.pk).exists()
        assert User.objects.get(pk=who.pk).is_active  # the account stays
        ended = AuditEvent.objects.get(action=Action.MEMBERSHIP_CHANGE, detail__change="deleted")
        assert (ended.user, ended.detail["member"]) == (by, who.username)
    else:
        assert answer.status_code == 403
        assert Membership.objects.filter(pk=membership.pk).exists()
        assert not AuditEvent.objects.filter(action=Action.MEMBERSHIP_CHANGE, detail__change="deleted").exists()


def test_a_school_leader_makes_a_staff_member_a_governor_and_no_more(school_leader_a: User, staff_member: User) -> None:
    membership = _role(staff_member)
    client = _signed_in(school_leader_a)
    people = client.get(reverse("people"))
    assert people.status_code == 200
    assert f'action="{reverse("membership_change", args=[membership.pk])}"' in people.content.decode()
    assert client.post(reverse("membership_change", args=[membership.pk]), {"role": Role.GOVERNOR}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNOR
    changed = AuditEvent.objects.get(action=Action.MEMBERSHIP_CHANGE, detail__change="changed")
    assert changed.user == school_leader_a and changed.detail["before"]["role"] == "Staff member"
    # A school leader is not a role a school leader gives: refused, nothing changed.
    refused = client.post(reverse("membership_change", args=[membership.pk]), {"role": Role.SCHOOL_LEADER})
    assert refused.status_code == 302
    assert "Nothing was changed" in client.get(reverse("people")).content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNOR


def test_a_role_outside_scope_cannot_be_changed(school_leader_b: User, staff_member: User) -> None:
    membership = _role(staff_member)
    answer = _signed_in(school_leader_b).post(
        reverse("membership_change", args=[membership.pk]), {"role": Role.GOVERNOR}
    )
    assert answer.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.STAFF_MEMBER


def test_nobody_changes_or_ends_their_own_role(system_lead: User) -> None:
    own = _role(system_lead)
    client = _signed_in(system_lead)
    assert client.post(reverse("membership_end", args=[own.pk])).status_code == 403
    assert client.post(reverse("membership_change", args=[own.pk]), {"role": Role.GOVERNOR}).status_code == 403
    assert Membership.objects.filter(pk=own.pk, role=Role.SYSTEM_LEAD).exists()


@pytest.mark.parametrize(
    ("manager", "member", "allowed"),
    [
        ("school_leader_a", "governor", True),
        ("school_leader_b", "governor", False),
        ("partnership_lead", "school_leader_a", True),
        ("partnership_lead", "school_leader_b", False),
        ("locality_lead", "staff_member", True),
        ("locality_lead", "school_leader_b", False),
        ("system_lead", "partnership_lead", True),
        ("staff_member", "governor", False),
    ],
)
def test_switching_an_account_off_within_and_outside_scope(
    request: pytest.FixtureRequest, manager: str, member: str, allowed: bool, alton_cluster: object
) -> None:
    by, who = request.getfixturevalue(manager), request.getfixturevalue(member)
    answer = _signed_in(by).post(reverse("account_deactivate", args=[who.pk]))
    who.refresh_from_db()
    if allowed:
        assert answer.status_code == 302
        assert not who.is_active
        assert who.memberships.exists()  # its history stays
        event = AuditEvent.objects.get(action=Action.ACCOUNT_DEACTIVATED)
        assert (event.user, event.detail["member"]) == (by, who.username)
        visitor = Client()
        signing_in = visitor.post(reverse("login"), {"username": who.username, "password": PASSWORD})
        assert signing_in.status_code == 200 and "_auth_user_id" not in visitor.session
    else:
        assert answer.status_code == 403
        assert who.is_active
        assert not AuditEvent.objects.filter(action=Action.ACCOUNT_DEACTIVATED).exists()


def test_an_account_with_a_role_outside_scope_cannot_be_switched_off(school_leader_a: User, school_b: School) -> None:
    """A governor of school A who also governs school B is not school A's leader's to switch off."""
    both = make_user("two_boards", Role.GOVERNOR, school=school_leader_a.memberships.get().school)
    Membership.objects.create(user=both, role=Role.GOVERNOR, school=school_b)
    answer = _signed_in(school_leader_a).post(reverse("account_deactivate", args=[both.pk]))
    assert answer.status_code == 403
    both.refresh_from_db()
    assert both.is_active
    # … but its role at school A is theirs to end.
    in_a = both.memberships.get(school=school_leader_a.memberships.get().school)
    assert _signed_in(school_leader_a).post(reverse("membership_end", args=[in_a.pk])).status_code == 302


def test_nobody_switches_their_own_account_off(system_lead: User) -> None:
    assert _signed_in(system_lead).post(reverse("account_deactivate", args=[system_lead.pk])).status_code == 403
    system_lead.refresh_from_db()
    assert system_lead.is_active


def test_the_people_page_lists_whom_one_may_manage(
    school_leader_a: User, governor: User, staff_member: User, school_leader_b: User
) -> None:
    page = _signed_in(school_leader_a).get(reverse("people")).content.decode()
    assert "governor@example.org" in page and "staff_member@example.org" in page
    assert "school_leader_b" not in page


def test_a_person_with_several_roles_sees_each_on_the_home_page(governor: User, school_b: School) -> None:
    Membership.objects.create(user=governor, role=Role.STAFF_MEMBER, school=school_b)
    home = _signed_in(governor).get(reverse("home")).content.decode()
    # Each place is a link to its page; the words around the links read as one line.
    assert (
        f'<strong>governor</strong> of <a href="{governor.memberships.get(role=Role.GOVERNOR).school.get_absolute_url()}">Alton Infant School'
        in home
    )
    assert f'<strong>staff member</strong> of <a href="{school_b.get_absolute_url()}">Ash Grange' in home


def test_the_people_page_finds_a_person_by_name_and_pages_a_long_list(
    system_lead: User, governor: User, school_a: School
) -> None:
    client = _signed_in(system_lead)
    found = client.get(reverse("people"), {"q": "governor@exam"})
    assert found.status_code == 200
    assert [person.account for person, _ in found.context["people"]] == [governor]
    for number in range(55):
        make_user(f"teacher{number:02}", Role.STAFF_MEMBER, school=school_a)
    first = client.get(reverse("people"))
    assert len(first.context["people"]) == 50 and first.context["page"].paginator.count == 57
    second = client.get(reverse("people"), {"page": 2})
    assert len(second.context["people"]) == 7
