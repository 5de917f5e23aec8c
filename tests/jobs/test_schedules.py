"""A schedule fires at its time, once, with a clock the test controls; missed ones are skipped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from evenbetter.jobs.models import Job, ScheduleFiring
from evenbetter.jobs.schedules import schedule_from_entry, schedules_fire_due

LONDON = ZoneInfo("Europe/London")
DIGEST = {"job": "practice_digest", "every": "weekly", "day": "monday", "at": "07:00"}


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)  # 2 March 2026 is a Monday


@pytest.mark.django_db
@override_settings(EVENBETTER_SCHEDULES=[DIGEST])
def test_the_weekly_digest_fires_on_monday_at_seven_once() -> None:
    assert schedules_fire_due(now=at(2, 6, 59)) == []
    (job,) = schedules_fire_due(now=at(2, 7, 0))
    assert (job.kind, job.status) == ("practice_digest", Job.Status.QUEUED)
    assert job.reason == "schedule practice_digest, due 2026-03-02 07:00"
    # Later the same morning, or from a second worker: not again.
    assert schedules_fire_due(now=at(2, 7, 30)) == []
    assert schedules_fire_due(now=at(4, 9, 0)) == []
    (next_week,) = schedules_fire_due(now=at(9, 7, 1))
    # No worker ran last week's: the digest still queued answers both (one digest, not two).
    assert (next_week.pk, next_week.requests) == (job.pk, 2)
    assert list(ScheduleFiring.objects.order_by("due_at").values_list("due_at", flat=True)) == [
        at(2, 7, 0),
        at(9, 7, 0),
    ]


@pytest.mark.django_db
@override_settings(EVENBETTER_SCHEDULES=[DIGEST], EVENBETTER_SCHEDULE_GRACE_HOURS=6)
def test_a_time_missed_while_no_worker_ran_is_skipped() -> None:
    assert schedules_fire_due(now=at(2, 13, 1)) == []  # six hours and a minute late
    assert schedules_fire_due(now=at(2, 13, 0)) != []


def test_daily_and_termly_due_times_in_the_sites_time_zone() -> None:
    backup = schedule_from_entry({"job": "backup", "every": "daily", "at": "02:00"})
    assert backup.last_due(at(5, 1, 59), LONDON) == at(4, 2, 0)
    assert backup.last_due(at(5, 2, 0), LONDON) == at(5, 2, 0)
    # Summer time: 02:00 is still 02:00 in London (01:00 UTC).
    assert backup.last_due(dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC), LONDON) == at(1, 2, 0, month=7)
    risk = schedule_from_entry(
        {"job": "risk_run", "every": "termly", "dates": ["09-05", "01-06", "04-22"], "at": "06:00"}
    )
    assert risk.last_due(at(2, 12), LONDON) == dt.datetime(2026, 1, 6, 6, 0, tzinfo=LONDON)
    assert risk.last_due(dt.datetime(2026, 1, 6, 5, 0, tzinfo=LONDON), LONDON) == dt.datetime(
        2025, 9, 5, 6, 0, tzinfo=LONDON
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"job": "tea", "every": "daily"}, "no kind of job is called 'tea'"),
        ({"job": "backup", "every": "hourly"}, '"every" must be one of'),
        ({"job": "backup", "every": "weekly", "at": "07:00"}, 'needs "day"'),
        ({"job": "backup", "every": "daily", "at": "7 o'clock"}, "HH:MM"),
        ({"job": "risk_run", "every": "termly", "dates": ["13-01"]}, "MM-DD"),
    ],
)
def test_a_wrong_schedule_is_refused_with_what_is_wrong(entry: dict, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        schedule_from_entry(entry)
