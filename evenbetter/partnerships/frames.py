"""Reads of partnership life into data frames, for the pure functions of ``evenbetter.analytics``.

Reads only: the writes stay in ``services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db.models import Count, Q

from evenbetter.partnerships.models import Action, BoardMeeting, Challenge, Contact, Meeting
from evenbetter.schools.models import PartnershipMembership, School


def _frame(rows: Iterable[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def school_partnerships(as_of: dt.date) -> pd.DataFrame:
    current = (Q(joined_on__isnull=True) | Q(joined_on__lte=as_of)) & (Q(left_on__isnull=True) | Q(left_on__gt=as_of))
    memberships = PartnershipMembership.objects.filter(current).values_list("school_id", "partnership_id")
    by_school: dict[int, list[int]] = {}
    for school_id, partnership_id in memberships:
        by_school.setdefault(school_id, []).append(partnership_id)
    ids = School.objects.exclude(status=School.Status.CLOSED).values_list("pk", flat=True)
    return pd.DataFrame({"school_id": list(ids), "partnership_ids": [by_school.get(i, []) for i in ids]})


def partnership_life_frames() -> dict[str, pd.DataFrame]:
    contacts = _frame(
        Contact.objects.values_list("school_id", "other_school_id", "happened_on", "kind"),
        ["school_id", "other_school_id", "happened_on", "kind"],
    )
    actions = _frame(
        Action.objects.filter(partnership__isnull=False).values_list(
            "pk", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"
        ),
        ["action_id", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"],
    )
    meetings = _frame(
        Meeting.objects.values_list("pk", "partnership_id", "held_on"), ["meeting_id", "partnership_id", "held_on"]
    )
    attendance = _frame(
        Meeting.schools_present.through.objects.values_list("meeting_id", "school_id"), ["meeting_id", "school_id"]
    )
    members = _frame(
        PartnershipMembership.objects.values_list("partnership_id", "school_id", "joined_on", "left_on"),
        ["partnership_id", "school_id", "joined_on", "left_on"],
    )
    challenges = dict(
        Challenge.objects.values("board_meeting_id").annotate(n=Count("pk")).values_list("board_meeting_id", "n")
    )
    boards = _frame(
        BoardMeeting.objects.values_list(
            "pk", "school_id", "held_on", "governors_present", "governors_places", "vacancies"
        ),
        ["board_meeting_id", "school_id", "held_on", "governors_present", "governors_places", "vacancies"],
    )
    boards["challenges"] = boards["board_meeting_id"].map(challenges).fillna(0).astype(int)
    return {
        "contacts": contacts,
        "actions": actions,
        "meetings": meetings,
        "attendance": attendance,
        "members": members,
        "board_meetings": boards.drop(columns=["board_meeting_id"]),
    }
