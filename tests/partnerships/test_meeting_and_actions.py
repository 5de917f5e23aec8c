"""Recording a partnership's meeting and its actions, and keeping the actions up to date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.partnerships.models import Action, Meeting
from evenbetter.schools.models import Partnership, School

pytestmark = pytest.mark.django_db


def _meeting(client: Client, **extra: object):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {"held_on": today - dt.timedelta(days=3), "title": "Autumn heads", "notes": ""}
    data.update(extra)
    return client.post(reverse("meeting_create", args=["alton-cluster"]), data)


def test_a_member_school_leader_records_a_meeting_with_actions(
    client_for: Callable[[str], Client], alton_cluster: Partnership, school_a: School, school_c: School
) -> None:
    today = timezone.localdate()
    response = _meeting(
        client_for("school_leader_a"),
        schools_present=[school_a.pk, school_c.pk],
        action_1_title="Share the phonics assessment",
        action_1_owner=school_c.pk,
        action_1_due=today + dt.timedelta(days=30),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert set(meeting.schools_present.values_list("pk", flat=True)) == {school_a.pk, school_c.pk}
    action = Action.objects.get()
    assert (action.owner_school, action.partnership, action.meeting, action.status) == (
        school_c, alton_cluster, meeting, Action.Status.AGREED,
    )  # fmt: skip
    page = client_for("partnership_lead").get(alton_cluster.get_absolute_url())
    assert page.context["health"].meetings_12m == 1
    assert page.context["health"].agreed == 1
    assert b"Share the phonics assessment" in page.content


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"held_on": "2999-01-01"}, "held_on", "in the future"),
        ({"title": ""}, "title", "required"),
        ({"action_1_title": "Do it"}, "action_1_owner", "Choose the school"),
        ({"action_1_title": "Do it", "action_1_owner": "OWNER"}, "action_1_due", "Give a date"),
        (
            {"action_1_title": "Do it", "action_1_owner": "OWNER", "action_1_due": "2000-01-01"},
            "action_1_due",
            "before the meeting",
        ),
        (
            {"action_1_title": "Do it", "action_1_owner": "999999", "action_1_due": "2999-01-01"},
            "action_1_owner",
            "valid choice",
        ),
    ],
)
def test_a_bad_meeting_is_refused_clearly_and_nothing_is_written(
    client_for: Callable[[str], Client], school_a: School, extra: dict[str, object], field: str, message: str
) -> None:
    extra = {k: (school_a.pk if v == "OWNER" else v) for k, v in extra.items()}
    response = _meeting(client_for("partnership_lead"), **extra)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Meeting.objects.exists() and not Action.objects.exists()


def test_who_may_update_an_action_and_who_may_not(
    client_for: Callable[[str], Client], alton_cluster: Partnership, school_a: School
) -> None:
    today = timezone.localdate()
    action = Action.objects.create(
        title="Audit attendance", partnership=alton_cluster, owner_school=school_a,
        agreed_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=10),
    )  # fmt: skip
    url = reverse("action_update", args=[action.pk])
    for persona in ("school_leader_b", "governor", "partner_agency", "outsider"):
        assert client_for(persona).get(url).status_code == 403, persona
        assert client_for(persona).post(url, {"status": "done", "evidence": "x"}).status_code == 403, persona
    action.refresh_from_db()
    assert action.status == Action.Status.AGREED
    assert action.is_overdue(today)
    # Done needs its evidence.
    refused = client_for("school_leader_a").post(url, {"status": "done", "evidence": ""})
    assert refused.status_code == 200 and "needs its evidence" in refused.content.decode()
    done = client_for("school_leader_a").post(url, {"status": "done", "evidence": "Audit report to heads"})
    assert done.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.done_on) == (Action.Status.DONE, today)
    assert not action.is_overdue(today)
    # The partnership's lead may reopen it; reopening forgets the day it was done.
    assert client_for("partnership_lead").post(url, {"status": "in_progress", "evidence": ""}).status_code == 302
    action.refresh_from_db()
    assert action.done_on is None


def test_meetings_are_seen_by_the_partnership_and_not_by_others(
    client_for: Callable[[str], Client], alton_cluster: Partnership
) -> None:
    Meeting.objects.create(partnership=alton_cluster, held_on=timezone.localdate(), title="Secret plans")
    for persona in ("system_lead", "partnership_lead", "school_leader_a"):
        assert b"Secret plans" in client_for(persona).get(alton_cluster.get_absolute_url()).content, persona
    # Another school's leader sees the partnership's members and outcomes, not its meetings.
    other = client_for("school_leader_b").get(alton_cluster.get_absolute_url())
    assert other.status_code == 200 and b"Secret plans" not in other.content
    # The network picture is for the partnership's lead and system leads only.
    assert client_for("partnership_lead").get(alton_cluster.get_absolute_url()).context["network"] is not None
    assert client_for("school_leader_a").get(alton_cluster.get_absolute_url()).context["network"] is None
