"""The order of the celebrations feed: newest day first; within a day what people did
themselves before what the figures show; then the newest. Worked out in Python
(``goals.selectors._in_order``), a chunk at a time, so it is checked here by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.goals.models import Celebration
from evenbetter.goals.selectors import celebrations_visible_to
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _celebration(key: str, kind: str, at: dt.datetime, school: School) -> Celebration:
    made = Celebration.objects.create(key=key, kind=kind, headline=key, school=school)
    Celebration.objects.filter(pk=made.pk).update(found_at=at)  # found_at is set on creation
    return made


def test_newest_day_first_then_what_people_did_then_the_newest(system_lead: User, school_a: School) -> None:
    zone = timezone.get_current_timezone()
    monday_morning = dt.datetime(2026, 11, 30, 9, 0, tzinfo=zone)
    tuesday_morning = monday_morning + dt.timedelta(days=1)
    _celebration("old practice", Celebration.Kind.PRACTICE_TRIED, monday_morning, school_a)
    _celebration("rise at noon", Celebration.Kind.IMPROVEMENT, tuesday_morning + dt.timedelta(hours=3), school_a)
    _celebration("rise at nine", Celebration.Kind.IMPROVEMENT, tuesday_morning, school_a)
    _celebration("practice at nine", Celebration.Kind.PRACTICE_TRIED, tuesday_morning, school_a)
    _celebration("late monday rise", Celebration.Kind.IMPROVEMENT, monday_morning + dt.timedelta(hours=14), school_a)
    found = [c.key for c in celebrations_visible_to(system_lead, limit=None)]
    assert found == ["practice at nine", "rise at noon", "rise at nine", "old practice", "late monday rise"]
    # A limit stops the feed where it is: the first ones, in the same order.
    assert [c.key for c in celebrations_visible_to(system_lead, limit=2)] == found[:2]
