"""The order of the celebrations feed: newest day first; within a day what people did
themselves before what the figures show; then the newest. Worked out two ways, each a chunk at a
time — for every celebration (a system lead's) by the database a local day at a time
(``goals.selectors._by_day``), for a reader's filtered rows in Python from their keys
(``_in_order``) — so both are checked here by hand, in small chunks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.goals.models import Celebration
from evenbetter.goals.selectors import _by_day, _in_order, celebrations_visible_to
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _celebration(key: str, kind: str, at: dt.datetime, school: School) -> Celebration:
    made = Celebration.objects.create(key=key, kind=kind, headline=key, school=school)
    Celebration.objects.filter(pk=made.pk).update(found_at=at)  # found_at is set on creation
    return made


def _a_winter_monday_and_tuesday(school: School) -> None:
    zone = timezone.get_current_timezone()
    monday_morning = dt.datetime(2026, 11, 30, 9, 0, tzinfo=zone)
    tuesday_morning = monday_morning + dt.timedelta(days=1)
    _celebration("old practice", Celebration.Kind.PRACTICE_TRIED, monday_morning, school)
    _celebration("rise at noon", Celebration.Kind.IMPROVEMENT, tuesday_morning + dt.timedelta(hours=3), school)
    _celebration("rise at nine", Celebration.Kind.IMPROVEMENT, tuesday_morning, school)
    _celebration("practice at nine", Celebration.Kind.PRACTICE_TRIED, tuesday_morning, school)
    _celebration("late monday rise", Celebration.Kind.IMPROVEMENT, monday_morning + dt.timedelta(hours=14), school)


def test_newest_day_first_then_what_people_did_then_the_newest(system_lead: User, school_a: School) -> None:
    _a_winter_monday_and_tuesday(school_a)
    found = [c.key for c in celebrations_visible_to(system_lead, limit=None)]
    assert found == ["practice at nine", "rise at noon", "rise at nine", "old practice", "late monday rise"]
    # A limit stops the feed where it is: the first ones, in the same order.
    assert [c.key for c in celebrations_visible_to(system_lead, limit=2)] == found[:2]


@pytest.mark.parametrize("ordered", [_by_day, _in_order], ids=["by day in SQL", "keys in Python"])
def test_both_ways_give_the_order_in_chunks_by_the_local_day(ordered, school_a: School) -> None:
    _a_winter_monday_and_tuesday(school_a)
    zone = timezone.get_current_timezone()
    # In summer time, half past midnight on a Tuesday is 23:30 on the Monday in UTC: Tuesday's.
    summer_monday = dt.datetime(2026, 6, 1, 23, 0, tzinfo=zone)
    _celebration("practice late on monday", Celebration.Kind.PRACTICE_TRIED, summer_monday, school_a)
    _celebration(
        "rise after midnight", Celebration.Kind.IMPROVEMENT, summer_monday + dt.timedelta(minutes=90), school_a
    )
    _celebration("rise at ten", Celebration.Kind.IMPROVEMENT, summer_monday + dt.timedelta(hours=11), school_a)
    rows = Celebration.objects.all()
    assert [c.key for c in ordered(rows, chunk=2)] == [
        "practice at nine", "rise at noon", "rise at nine", "old practice", "late monday rise",
        "rise at ten", "rise after midnight", "practice late on monday",
    ]  # fmt: skip
