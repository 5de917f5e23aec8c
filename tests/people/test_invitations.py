"""Invitations by e-mail: who may invite whom (each inviter × role, allowed and refused, through
the page), and the link's life: accepted once, expired, reused, withdrawn, sent again."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import AuditEvent, Invitation, Membership, Role, User
from evenbetter.jobs.models import Job
from evenbetter.schools.models import Locality, Partnership, School
from tests.people.conftest import mailed_link

Action = AuditEvent.Action
NEW_PASSWORD = "plum-orchard-lantern-97"

# Each target: a role and its place (school A, B; the Alton cluster; East Hampshire).
TARGETS = {
    "system lead": (Role.SYSTEM_LEAD, {}),
    "locality lead of East Hampshire": (Role.LOCALITY_LEAD, {"locality": "east_hampshire"}),
    "partnership lead of the Alton cluster": (Role.PARTNERSHIP_LEAD, {"partnership": "alton_cluster"}),
    "school leader of A": (Role.SCHOOL_LEADER, {"school": "school_a"}),
    "school leader of B": (Role.SCHOOL_LEADER, {"school": "school_b"}),
    "staff member of A": (Role.STAFF_MEMBER, {"school": "school_a"}),
    "staff member of B": (Role.STAFF_MEMBER, {"school": "school_b"}),
    "governor of A": (Role.GOVERNOR, {"school": "school_a"}),
    "governor of B": (Role.GOVERNOR, {"school": "school_b"}),
    "agency of East Hampshire": (Role.PARTNER_AGENCY, {"locality": "east_hampshire"}),
    "agency of Guildford": (Role.PARTNER_AGENCY, {"locality": "guildford"}),
}

ALLOWED = {
    "system_lead": set(TARGETS),
    "locality_lead": {
        "partnership lead of the Alton cluster",
        "school leader of A",
        "staff member of A",
        "governor of A",
        "agency of East Hampshire",
    },
    "partnership_lead": {"school leader of A"},
    "school_leader_a": {"staff member of A", "governor of A"},
    "school_leader_b": {"staff member of B", "governor of B"},
}
# May not open the invitation page at all.
NO_PEOPLE_PAGE = ["governor", "staff_member", "partner_agency", "outsider"]


def _form(request: pytest.FixtureRequest, target: str) -> dict[str, object]:
    role, place = TARGETS[target]
    data: dict[str, object] = {"email": "new.person@example.org", "role": role}
    for field, fixture in place.items():
        thing = request.getfixturevalue(fixture)
        data[field] = thing.urn if isinstance(thing, School) else thing.pk
    return data


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("inviter", sorted(ALLOWED))
def test_who_may_invite_whom_through_the_page(
    request: pytest.FixtureRequest, inviter: str, target: str, alton_cluster: Partnership, guildford: Locality
) -> None:
    user = request.getfixturevalue(inviter)
    response = _signed_in(user).post(reverse("invitation_create"), _form(request, target))
    if target in ALLOWED[inviter]:
        assert response.status_code == 302, response.content.decode()[:2000]
        invitation = Invitation.objects.get()
        assert (invitation.invited_by, invitation.role, invitation.status) == (
            user,
            TARGETS[target][0],
            Invitation.Status.PENDING,
        )
        assert Job.objects.filter(kind="invitation_mail", options__invitation=invitation.pk).exists()
        assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, user=user).count() == 1
    else:
        assert response.status_code == 400
        page = response.content.decode()
        # The rule's reason, or a role never offered to this inviter.
        assert "Your roles do not let you invite" in page or "is not one of the available choices" in page
        assert not Invitation.objects.exists()
        assert not Job.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.INVITATION_SENT).exists()


@pytest.mark.parametrize("persona", NO_PEOPLE_PAGE)
def test_who_may_not_invite_anyone_is_refused_the_page(request: pytest.FixtureRequest, persona: str) -> None:
    client = _signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("invitation_create")).status_code == 403
    school = request.getfixturevalue("school_a")
    answer = client.post(
        reverse("invitation_create"), {"email": "x@example.org", "role": "governor", "school": school.urn}
    )
    assert answer.status_code == 403
    assert not Invitation.objects.exists()


def test_a_role_in_the_wrong_kind_of_place_is_refused_with_its_reason(system_lead: User, school_a: School) -> None:
    answer = _signed_in(system_lead).post(
        reverse("invitation_create"), {"email": "x@example.org", "role": Role.LOCALITY_LEAD, "school": school_a.urn}
    )
    assert answer.status_code == 400
    assert "must be tied to a locality" in answer.content.decode()
    assert not Invitation.objects.exists()


def test_an_unknown_urn_is_named(system_lead: User, register: object) -> None:
    answer = _signed_in(system_lead).post(
        reverse("invitation_create"), {"email": "x@example.org", "role": Role.GOVERNOR, "school": 999999}
    )
    assert answer.status_code == 400
    assert "No school in the register has the URN 999999" in answer.content.decode()


def _invite(client: Client, school: School, role: str = Role.SCHOOL_LEADER, email: str = "head@example.org") -> None:
    answer = client.post(reverse("invitation_create"), {"email": email, "role": role, "school": school.urn})
    assert answer.status_code == 302, answer.content.decode()[:2000]


def _accept(link: str, username: str = "new_head") -> Client:
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "choose your username" in page.content.decode().lower()
    answer = visitor.post(
        link,
        {
            "first_name": "Nia",
            "last_name": "Okafor",
            "username": username,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    return visitor


@pytest.mark.parametrize("role", [Role.SCHOOL_LEADER, Role.STAFF_MEMBER, Role.GOVERNOR])
def test_an_invitation_accepted_makes_an_account_with_its_role_and_signs_in(
    system_lead: User, school_a: School, role: str
) -> None:
    _invite(_signed_in(system_lead), school_a, role=role)
    link = mailed_link("head@example.org")
    visitor = _accept(link)
    account = User.objects.get(username="new_head")
    assert account.email == "head@example.org"
    assert account.check_password(NEW_PASSWORD)
    assert list(Membership.objects.filter(user=account).values_list("role", "school")) == [(role, school_a.pk)]
    home = visitor.get(reverse("home"))
    assert home.context["user"] == account
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, account)
    accepted = AuditEvent.objects.get(action=Action.INVITATION_ACCEPTED)
    assert (accepted.user, accepted.school, accepted.detail["invited_by"]) == (account, school_a, "system_lead")
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_CHANGE, detail__member="new_head").exists()


def test_a_link_used_twice_is_refused_the_second_time(system_lead: User, school_a: School) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    _accept(link)
    again = Client().post(
        link,
        {
            "first_name": "X",
            "last_name": "Y",
            "username": "second",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert again.status_code == 400
    assert "already been accepted" in again.content.decode()
    assert not User.objects.filter(username="second").exists()
    assert Membership.objects.filter(user__username="new_head").count() == 1
    assert AuditEvent.objects.filter(action=Action.INVITATION_REFUSED, detail__reason="accepted").exists()


def test_an_expired_link_is_refused(system_lead: User, school_a: School, settings: object) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    settings.EVENBETTER_INVITATION_DAYS = 0  # type: ignore[attr-defined]  # every link has expired
    answer = Client().get(link)
    assert answer.status_code == 400
    assert "has expired" in answer.content.decode()
    posted = Client().post(
        link,
        {"first_name": "X", "last_name": "Y", "username": "late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert posted.status_code == 400
    assert not User.objects.filter(username="late").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_a_withdrawn_invitation_link_is_refused(system_lead: User, school_a: School) -> None:
    client = _signed_in(system_lead)
    _invite(client, school_a)
    link = mailed_link("head@example.org")
    invitation = Invitation.objects.get()
    assert client.post(reverse("invitation_withdraw", args=[invitation.pk])).status_code == 302
    answer = Client().get(link)
    assert answer.status_code == 400
    assert "withdrawn" in answer.content.decode()
    assert AuditEvent.objects.filter(action=Action.INVITATION_WITHDRAWN, user=system_lead).exists()
    # A worker that sends it late sends nothing.
    from evenbetter.accounts.services import invitation_mail_send

    before = len(mail.outbox)
    assert invitation_mail_send(invitation_id=invitation.pk, site_url="http://testserver/") is False
    assert len(mail.outbox) == before


def test_sending_again_kills_the_old_link(system_lead: User, school_a: School) -> None:
    client = _signed_in(system_lead)
    _invite(client, school_a)
    old = mailed_link("head@example.org")
    invitation = Invitation.objects.get()
    assert client.post(reverse("invitation_resend", args=[invitation.pk])).status_code == 302
    new = mailed_link("head@example.org")
    assert new != old
    assert "does not work" in Client().get(old).content.decode()
    _accept(new)
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, detail__change="sent again").exists()


def test_a_forged_link_learns_nothing(system_lead: User, school_a: School) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    forged = link.rsplit("-", 1)[0] + "-0000000000000000000000000000000/"
    answer = Client().get(forged)
    assert answer.status_code == 400
    assert "does not work" in answer.content.decode()
    assert "head@example.org" not in answer.content.decode()


def test_a_weak_password_is_refused_and_nothing_is_made(system_lead: User, school_a: School) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    answer = Client().post(
        link,
        {
            "first_name": "Nia",
            "last_name": "Okafor",
            "username": "nia",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert answer.status_code == 400
    assert "too short" in answer.content.decode() or "too common" in answer.content.decode()
    assert not User.objects.filter(username="nia").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_existing_account_gets_the_role_once_signed_in(
    system_lead: User, school_leader_b: User, school_a: School, governor: User
) -> None:
    """An invitation to an address that already has an account adds the role to that account."""
    _invite(_signed_in(system_lead), school_a, role=Role.GOVERNOR, email="School_Leader_B@example.org")
    link = mailed_link("school_leader_b@example.org")
    anonymous = Client().get(link)
    assert anonymous.status_code == 200 and "Sign in to accept" in anonymous.content.decode()
    someone_else = _signed_in(governor).post(link)
    assert someone_else.status_code == 200
    assert not Membership.objects.filter(user=school_leader_b, role=Role.GOVERNOR).exists()
    answer = _signed_in(school_leader_b).post(link)
    assert answer.status_code == 302
    assert set(school_leader_b.memberships.values_list("role", flat=True)) == {Role.SCHOOL_LEADER, Role.GOVERNOR}
    assert User.objects.filter(email__iexact="school_leader_b@example.org").count() == 1


def test_an_address_already_invited_or_already_in_the_role_is_refused(
    system_lead: User, school_a: School, governor: User
) -> None:
    client = _signed_in(system_lead)
    _invite(client, school_a)
    again = client.post(
        reverse("invitation_create"), {"email": "head@example.org", "role": Role.SCHOOL_LEADER, "school": school_a.urn}
    )
    assert again.status_code == 400 and "already been invited" in again.content.decode()
    held = client.post(
        reverse("invitation_create"), {"email": governor.email, "role": Role.GOVERNOR, "school": school_a.urn}
    )
    assert held.status_code == 400 and "already is governor" in held.content.decode()
    assert Invitation.objects.count() == 1


def test_a_locality_lead_sees_and_may_withdraw_a_waiting_invitation_in_its_locality_only(
    system_lead: User, locality_lead: User, school_a: School, school_b: School
) -> None:
    client = _signed_in(system_lead)
    _invite(client, school_a, email="a@example.org")
    _invite(client, school_b, email="b@example.org")
    page = _signed_in(locality_lead).get(reverse("people")).content.decode()
    assert "a@example.org" in page and "b@example.org" not in page
    in_b = Invitation.objects.get(email="b@example.org")
    assert _signed_in(locality_lead).post(reverse("invitation_withdraw", args=[in_b.pk])).status_code == 403
    assert Invitation.objects.get(pk=in_b.pk).status == Invitation.Status.PENDING


def test_an_invitation_declined_is_dead_and_recorded(system_lead: User, school_a: School) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    answer = Client().post(link, {"decline": "1"})
    assert answer.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.DECLINED
    assert AuditEvent.objects.filter(action=Action.INVITATION_DECLINED, detail__email="head@example.org").exists()
    assert "was declined" in Client().get(link).content.decode()
    assert not User.objects.filter(email="head@example.org").exists()


def test_only_trying_a_dead_link_is_recorded_not_looking_at_it(system_lead: User, school_a: School) -> None:
    _invite(_signed_in(system_lead), school_a)
    link = mailed_link("head@example.org")
    Client().post(link, {"decline": "1"})
    assert Client().get(link).status_code == 400
    assert not AuditEvent.objects.filter(action=Action.INVITATION_REFUSED).exists()
    assert Client().post(link, {"decline": "1"}).status_code == 400
    assert AuditEvent.objects.filter(action=Action.INVITATION_REFUSED, detail__reason="declined").count() == 1


def test_the_mail_names_the_role_and_the_inviter_and_the_home_page_reminds_the_inviter(
    school_leader_a: User, school_a: School
) -> None:
    client = _signed_in(school_leader_a)
    _invite(client, school_a, role=Role.GOVERNOR, email="gov@example.org")
    assert "Invitations waiting" in client.get(reverse("home")).content.decode()
    link = mailed_link("gov@example.org")
    [message] = mail.outbox
    assert message.subject == f"Even Better: you are invited as governor of {school_a}"
    assert "school_leader_a invites you to Even Better as governor" in message.body
    assert link in message.body
    _accept(link, username="gov")
    assert "Invitations waiting" not in client.get(reverse("home")).content.decode()
