"""Partnership life kept as indicators per academic year, checked on hand-made records."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.partnerships.indicators import partnership_life_periods, partnership_life_refresh
from evenbetter.partnerships.models import Action, BoardMeeting, Challenge, Contact, Meeting
from evenbetter.schools.models import Partnership, School

pytestmark = pytest.mark.django_db
YEAR = "2018/19"  # 1 September 2018 to 31 August 2019


def _value(school: School, code: str, period: str = YEAR) -> float | None:
    return Observation.objects.get(school=school, indicator__code=code, period=period).value


def test_contact_actions_attendance_and_governance_by_hand(
    alton_cluster: Partnership, school_a: School, school_b: School, school_c: School
) -> None:
    d = dt.date
    # School A: contact with C (same cluster) and with B (outside it) in the year; one after it.
    Contact.objects.create(school=school_a, other_school=school_c, kind="visit", happened_on=d(2018, 10, 1))
    Contact.objects.create(school=school_b, other_school=school_a, kind="call", happened_on=d(2019, 6, 1))
    Contact.objects.create(school=school_a, other_school=school_b, kind="visit", happened_on=d(2019, 10, 1))
    # Two meetings of the cluster; A came to one, C to both.
    first = Meeting.objects.create(partnership=alton_cluster, held_on=d(2018, 11, 1), title="One")
    second = Meeting.objects.create(partnership=alton_cluster, held_on=d(2019, 3, 1), title="Two")
    first.schools_present.set([school_a, school_c])
    second.schools_present.set([school_c])
    # A owns three actions due in the year: one done, one overdue, one dropped (not counted).
    for title, status, done_on in (("a", "done", d(2019, 1, 10)), ("b", "agreed", None), ("c", "dropped", None)):
        Action.objects.create(
            title=title, partnership=alton_cluster, meeting=first, owner_school=school_a,
            agreed_on=d(2018, 11, 1), due_on=d(2019, 1, 31), status=status, done_on=done_on,
        )  # fmt: skip
    # A's board: two meetings, 12 seats, 2 then 3 empty, 8 then 6 present, 3 challenges in all.
    m1 = BoardMeeting.objects.create(
        school=school_a, held_on=d(2018, 10, 15), governors_places=12, governors_present=8, vacancies=2
    )
    BoardMeeting.objects.create(
        school=school_a, held_on=d(2019, 5, 15), governors_places=12, governors_present=6, vacancies=3
    )
    for area in ("reading", "maths", "send"):
        Challenge.objects.create(board_meeting=m1, area=area, question="Why?")

    assert YEAR in partnership_life_periods()
    partnership_life_refresh()

    assert _value(school_a, "peers_12m") == 2  # C and B; the visit after 31 August 2019 is next year's
    assert _value(school_a, "contact_outside_partnership") == 50.0  # B is outside the cluster
    assert _value(school_a, "days_since_contact") == (d(2019, 8, 31) - d(2019, 6, 1)).days
    assert _value(school_a, "actions_completion") == 50.0  # one of the two due (dropped left out)
    assert _value(school_a, "actions_overdue") == 1
    assert _value(school_a, "partnership_attendance") == 50.0
    assert _value(school_c, "partnership_attendance") == 100.0
    assert _value(school_a, "board_meetings_12m") == 2
    assert _value(school_a, "board_attendance") == pytest.approx(100 * (8 + 6) / (10 + 9), abs=0.01)
    assert _value(school_a, "governor_vacancy_rate") == 25.0  # latest: 3 of 12
    assert _value(school_a, "challenges_per_meeting") == 1.5
    # Next year the old visit still counts for days since contact but not for peers.
    assert _value(school_a, "peers_12m", "2019/20") == 1
    # None of this is published data.
    assert not Indicator.objects.filter(code__in=["peers_12m", "board_attendance"], is_public=True).exists()


def test_refreshing_twice_changes_nothing(alton_cluster: Partnership, school_a: School, school_c: School) -> None:
    Contact.objects.create(school=school_a, other_school=school_c, kind="visit", happened_on=dt.date(2018, 10, 1))
    first = partnership_life_refresh()
    count = Observation.objects.count()
    second = partnership_life_refresh()
    assert Observation.objects.count() == count and second.records_created == 0
    assert first.records_created == count


def test_a_school_with_no_contact_ever_recorded_is_not_measured_rather_than_isolated(
    alton_cluster: Partnership, school_a: School, school_c: School, school_b: School
) -> None:
    Contact.objects.create(school=school_a, other_school=school_c, kind="visit", happened_on=dt.date(2018, 10, 1))
    partnership_life_refresh()
    assert _value(school_a, "peers_12m") == 1
    assert not Observation.objects.filter(school=school_b, indicator__code="peers_12m").exists()
