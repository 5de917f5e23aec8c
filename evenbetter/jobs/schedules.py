"""Schedules without cron: declared in settings (``EVENBETTER_SCHEDULES``), fired by the workers.

Each schedule is a job kind and a rule for when it is due: ``daily`` at a time, ``weekly`` on a
day at a time, or ``termly`` on given dates (month-day, the first day of each term) at a time,
in the site's time zone. A worker's every turn fires each schedule's latest due time if nobody
has yet: the firing is one row, unique for its schedule and due time, written with the job in
one transaction, so with any number of workers a schedule fires once. A due time missed by
more than ``EVENBETTER_SCHEDULE_GRACE_HOURS`` (the workers were all down) is not made up: the
next one comes as usual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from evenbetter.jobs.models import Job, ScheduleFiring
from evenbetter.jobs.registry import job_kinds
from evenbetter.jobs.services import job_request

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EVERY = ("daily", "weekly", "termly")


@dataclass(frozen=True)
class Schedule:
    name: str
    job: str
    every: str
    at: dt.time
    day: int | None = None  # weekly: Monday 0 … Sunday 6
    dates: tuple[tuple[int, int], ...] = ()  # termly: (month, day) of each term's first day

    def last_due(self, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
        """The latest time at or before ``now`` when this schedule was due."""
        local = now.astimezone(zone)
        if self.every == "termly":
            candidates = [
                dt.datetime.combine(dt.date(year, month, day), self.at, tzinfo=zone)
                for year in (local.year - 1, local.year)
                for month, day in self.dates
            ]
            return max(when for when in candidates if when <= local)
        when = dt.datetime.combine(local.date(), self.at, tzinfo=zone)
        while when > local or (self.day is not None and when.weekday() != self.day):
            when -= dt.timedelta(days=1)
        return when


def _time(text: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f'{where}: "at" must be a time written HH:MM, not {text!r}') from None


def schedule_from_entry(entry: dict[str, Any]) -> Schedule:
    """One entry of ``EVENBETTER_SCHEDULES``; a wrong one stops the worker with what is wrong."""
    job = str(entry.get("job", ""))
    name = str(entry.get("name", job))
    where = f"EVENBETTER_SCHEDULES, {name or entry!r}"
    if job not in job_kinds():
        raise ImproperlyConfigured(f"{where}: no kind of job is called {job!r} (known: {', '.join(job_kinds())})")
    every = entry.get("every")
    if every not in EVERY:
        raise ImproperlyConfigured(f'{where}: "every" must be one of {", ".join(EVERY)}, not {every!r}')
    at = _time(entry.get("at", "00:00"), where)
    day = None
    dates: tuple[tuple[int, int], ...] = ()
    if every == "weekly":
        if str(entry.get("day", "")).lower() not in DAYS:
            raise ImproperlyConfigured(f'{where}: a weekly schedule needs "day", one of {", ".join(DAYS)}')
        day = DAYS.index(str(entry["day"]).lower())
    if every == "termly":
        try:
            dates = tuple(sorted((int(m), int(d)) for m, d in (text.split("-") for text in entry["dates"])))
            for month, day_of_month in dates:
                dt.date(2000, month, day_of_month)  # a leap year: 02-29 is allowed
        except (KeyError, TypeError, ValueError):
            raise ImproperlyConfigured(f'{where}: a termly schedule needs "dates", each MM-DD') from None
        if not dates:
            raise ImproperlyConfigured(f'{where}: a termly schedule needs "dates", each MM-DD')
    return Schedule(name=name, job=job, every=every, at=at, day=day, dates=dates)


def schedules() -> list[Schedule]:
    found = [schedule_from_entry(entry) for entry in settings.EVENBETTER_SCHEDULES]
    names = [schedule.name for schedule in found]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured('EVENBETTER_SCHEDULES: two schedules share a name (give each a "name")')
    return found


def schedules_fire_due(*, now: dt.datetime | None = None) -> list[Job]:
    """Queue the job of every schedule that is due and has not fired for that due time."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    grace = dt.timedelta(hours=settings.EVENBETTER_SCHEDULE_GRACE_HOURS)
    queued = []
    for schedule in schedules():
        due = schedule.last_due(now, zone)
        if now - due > grace or ScheduleFiring.objects.filter(schedule=schedule.name, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                firing = ScheduleFiring.objects.create(schedule=schedule.name, due_at=due)
                job = job_request(schedule.job, reason=f"schedule {schedule.name}, due {due:%Y-%m-%d %H:%M}")
                firing.job = job
                firing.save(update_fields=["job"])
        except IntegrityError:
            continue  # another worker fired it first
        queued.append(job)
    return queued
