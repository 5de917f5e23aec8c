"""An action given to someone: a staff member's "actions given to them", or the partner
agency it is shared with. Whoever it is given to updates it and marks it done with evidence;
only those who answer for it (the owner school's leaders, the partnership's lead, system
leads) give it; nobody else sees or touches it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.partnerships.models import Action, Agency, AgencyMember
from evenbetter.partnerships.selectors import actions_due_for, can_update_action
from evenbetter.schools.models import Partnership, School
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_action(school_a: School, alton_cluster: Partnership, early_help: Agency) -> Action:
    today = timezone.localdate()
    return Action.objects.create(
        title="Attendance plan for six families", partnership=alton_cluster, owner_school=school_a, agency=early_help,
        agreed_on=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=5),
    )  # fmt: skip


@pytest.fixture
def teacher(school_a: School) -> User:
    return make_user("teacher_a", Role.STAFF_MEMBER, school=school_a)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_action_given_to_its_agency_is_updated_and_done_by_the_agency(
    client_for: Callable[[str], Client], shared_action: Action, school_a: School
) -> None:
    url = reverse("action_update", args=[shared_action.pk])
    agency = client_for("partner_agency")
    # Shared with the agency but not given to it: its users read it on the school page, not update it.
    assert agency.get(url).status_code == 403
    # The owner school's leader gives it to the agency.
    given = client_for("school_leader_a").post(url, {"status": "agreed", "evidence": "", "given_to": "agency"})
    assert given.status_code == 302
    shared_action.refresh_from_db()
    assert shared_action.assigned_to_agency and shared_action.assignee is None
    # Now the agency's user has it among the actions due on their home page, and updates it.
    home = agency.get(reverse("home")).content.decode()
    assert "Actions due" in home and "Attendance plan for six families" in home
    page = agency.get(url)
    assert page.status_code == 200 and "given_to" not in page.content.decode()  # they do not give it on
    refused = agency.post(url, {"status": "done", "evidence": ""})
    assert refused.status_code == 200 and "needs its evidence" in refused.content.decode()
    done = agency.post(url, {"status": "done", "evidence": "Plans agreed with all six families", "given_to": ""})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    shared_action.refresh_from_db()
    assert (shared_action.status, shared_action.evidence) == (Action.Status.DONE, "Plans agreed with all six families")
    assert shared_action.assigned_to_agency  # an assignee cannot take the action off themselves


def test_another_agency_never_sees_or_updates_an_action_given_to_an_agency(
    shared_action: Action, school_b: School
) -> None:
    shared_action.assigned_to_agency = True
    shared_action.save()
    nurses = Agency.objects.create(name="School nursing", kind="school_nursing")
    nurse = make_user("nurse", Role.PARTNER_AGENCY, school=school_b)
    AgencyMember.objects.create(user=nurse, agency=nurses)
    assert not can_update_action(nurse, shared_action)
    assert _client(nurse).post(reverse("action_update", args=[shared_action.pk]), {"status": "done"}).status_code == 403
    assert actions_due_for(nurse).total == 0


def test_a_staff_member_updates_the_actions_given_to_them_and_no_other(
    client_for: Callable[[str], Client], shared_action: Action, teacher: User, school_a: School
) -> None:
    url = reverse("action_update", args=[shared_action.pk])
    teacher_client = _client(teacher)
    assert teacher_client.get(url).status_code == 403
    # The leader's form offers the school's staff to give it to.
    form = client_for("school_leader_a").get(url).content.decode()
    assert f"user:{teacher.pk}" in form
    client_for("school_leader_a").post(url, {"status": "agreed", "evidence": "", "given_to": f"user:{teacher.pk}"})
    shared_action.refresh_from_db()
    assert shared_action.assignee == teacher and not shared_action.assigned_to_agency
    assert actions_due_for(teacher).total == 1
    assert teacher_client.post(url, {"status": "in_progress", "evidence": ""}).status_code == 302
    shared_action.refresh_from_db()
    assert shared_action.status == Action.Status.IN_PROGRESS
    # A status posted alone keeps who it is given to; the agency cannot update it now.
    assert client_for("partner_agency").get(url).status_code == 403
    other = Action.objects.create(
        title="Not theirs", owner_school=school_a, agreed_on=timezone.localdate(), due_on=timezone.localdate()
    )
    assert teacher_client.get(reverse("action_update", args=[other.pk])).status_code == 403


def test_giving_an_action_to_someone_outside_the_school_is_refused_and_changes_nothing(
    client_for: Callable[[str], Client], shared_action: Action, school_leader_b: User
) -> None:
    url = reverse("action_update", args=[shared_action.pk])
    response = client_for("school_leader_a").post(
        url, {"status": "agreed", "evidence": "", "given_to": f"user:{school_leader_b.pk}"}
    )
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    shared_action.refresh_from_db()
    assert shared_action.assignee is None and not shared_action.assigned_to_agency
