"""A governor records their own board's meetings and the challenge it gave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.partnerships.models import BoardMeeting, Challenge
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _record(client: Client, school: School, **data: object):  # type: ignore[no-untyped-def]
    payload = {
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "governors_places": 12,
        "vacancies": 2,
        "governors_present": 9,
        "challenge_1_area": "attendance",
        "challenge_1_question": "Which groups' attendance is falling?",
    }
    payload.update(data)
    return client.post(reverse("board_meeting_create", args=[school.pk]), payload)


def test_a_governor_records_a_board_meeting_with_its_challenge(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    assert _record(client_for("governor"), school_a).status_code == 302
    meeting = BoardMeeting.objects.get()
    assert (meeting.governors_places, meeting.vacancies, meeting.governors_present) == (12, 2, 9)
    assert list(Challenge.objects.values_list("area", flat=True)) == ["attendance"]
    page = client_for("school_leader_a").get(reverse("school_governance", args=[school_a.pk]))
    assert b"falling?" in page.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"governors_present": 11}, "At most 10 governors can be present"),
        ({"vacancies": 13}, "more empty seats than the 12"),
        ({"held_on": "2999-01-01"}, "in the future"),
        ({"challenge_1_question": ""}, "Write the question"),
        ({"challenge_1_area": ""}, "Choose the area"),
        ({"governors_places": 0}, "greater than or equal to 1"),
    ],
)
def test_a_bad_board_meeting_is_refused_clearly(
    client_for: Callable[[str], Client], school_a: School, data: dict[str, object], message: str
) -> None:
    response = _record(client_for("governor"), school_a, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BoardMeeting.objects.exists()


def test_only_the_schools_own_people_record_its_board_meetings(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    for persona in ("school_leader_b", "partner_agency", "outsider"):
        assert _record(client_for(persona), school_a).status_code == 403, persona
    # A governor of one school cannot record another school's board.
    assert _record(client_for("governor"), school_b).status_code == 403
    assert not BoardMeeting.objects.exists()
