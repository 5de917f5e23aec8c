"""The demo's generated partnership life is written as the simulator made it, row for row:
contacts, who came to each meeting and the actions agreed (plain INSERTs, not a model instance
per row), with the defaults a model instance would have given."""

from __future__ import annotations

import pandas as pd
import pytest

from evenbetter.demo.local_records import generated_schools_in_clusters, local_records_generate
from evenbetter.demo.simulator import SimulationSettings
from evenbetter.partnerships.models import Action, Contact, Meeting

pytestmark = pytest.mark.django_db  # on both databases: the rows go in as each driver takes them

PERIODS = ("2017/18", "2018/19", "2019/20")


def _day(value: object) -> object:
    return None if value is None or pd.isna(value) else value  # type: ignore[call-overload]


def test_the_records_written_are_the_simulators_row_for_row() -> None:
    generated_schools_in_clusters(60, label="Written", latitudes=(51.0, 51.5), longitudes=(-1.0, -0.5))
    records = local_records_generate(settings=SimulationSettings(seed=3, periods=PERIODS))
    assert len(records.contacts) and len(records.actions) and len(records.attendance)

    contacts = sorted(
        Contact.objects.values_list("school_id", "other_school_id", "happened_on", "kind", "about", "is_generated")
    )
    expected_contacts = sorted(
        (int(a), int(b), day, str(kind), str(about)[:250], True)
        for a, b, day, kind, about in records.contacts[
            ["school_id", "other_school_id", "happened_on", "kind", "about"]
        ].itertuples(index=False)
    )
    assert contacts == expected_contacts
    assert not Contact.objects.filter(recorded_at__isnull=True).exists()
    assert not Contact.objects.filter(recorded_by__isnull=False).exists()

    # Meetings by their place in the simulator's order (their ids are in that order).
    made = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    meeting_pk = dict(zip(records.meetings["meeting_id"].astype(int), made, strict=True))
    present = sorted(Meeting.schools_present.through.objects.values_list("meeting_id", "school_id"))
    assert present == sorted(
        (meeting_pk[int(m)], int(s)) for m, s in records.attendance[["meeting_id", "school_id"]].itertuples(index=False)
    )

    fields = ["title", "partnership_id", "meeting_id", "owner_school_id", "agreed_on", "due_on", "done_on", "status"]
    actions = sorted(
        Action.objects.values_list(
            *fields, "evidence", "assigned_to_agency", "agency_id", "assignee_id", "created_by_id", "is_generated"
        ),
        key=repr,
    )
    expected_actions = sorted(
        (
            str(title)[:250],
            int(p),
            meeting_pk.get(int(m)),
            int(owner),
            agreed,
            due,
            _day(done),
            str(status),
            "Recorded at the next meeting (generated)" if str(status) == Action.Status.DONE else "",
            False,
            None,
            None,
            None,
            True,
        )
        for title, p, m, owner, agreed, due, done, status in records.actions[fields].itertuples(index=False)
    )
    assert actions == sorted(expected_actions, key=repr)
    assert {status for *_, status in records.actions[fields].itertuples(index=False)} >= {"done", "agreed"}
