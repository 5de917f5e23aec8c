"""A partnership's health and a school's contact summary are kept in the figures cache: the
health is worked out again as soon as a meeting or an action it counts is recorded or updated
(no new generation needed), only for those who may see the partnership's life; the summary
after a new contact commits."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.accounts.models import User
from evenbetter.partnerships.models import Action
from evenbetter.partnerships.selectors import partnership_health, school_contact_summary
from evenbetter.partnerships.services import ActionAgreed, action_update, contact_record, meeting_record
from evenbetter.schools.models import Partnership, School

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)


def _meeting(cluster: Partnership, schools: list[School], held_on: dt.date, *actions: ActionAgreed) -> None:
    meeting_record(
        partnership=cluster, held_on=held_on, title="Cluster meeting", schools_present=schools, notes="",
        actions=list(actions), recorded_by=None,
    )  # fmt: skip


def test_a_new_meeting_and_a_done_action_are_counted_at_once(
    alton_cluster: Partnership, partnership_lead: User, school_a: School, school_c: School
) -> None:
    _meeting(alton_cluster, [school_a], dt.date(2026, 10, 1), ActionAgreed("Share the phonics plan", school_a, TODAY))
    before = partnership_health(user=partnership_lead, partnership=alton_cluster, today=TODAY)
    assert before is not None and before.meetings_12m == 1 and before.done == 0
    # Kept: asked again, the same figures.
    assert partnership_health(user=partnership_lead, partnership=alton_cluster, today=TODAY) == before

    _meeting(alton_cluster, [school_a, school_c], dt.date(2026, 10, 20))
    action_update(action=Action.objects.get(), status=Action.Status.DONE, done_on=dt.date(2026, 10, 25), evidence="")
    after = partnership_health(user=partnership_lead, partnership=alton_cluster, today=TODAY)
    assert after is not None
    assert (after.meetings_12m, after.done) == (2, 1)


def test_a_reader_who_may_not_see_the_partnerships_life_gets_none_even_when_it_is_kept(
    alton_cluster: Partnership, partnership_lead: User, outsider: User, school_a: School
) -> None:
    _meeting(alton_cluster, [school_a], dt.date(2026, 10, 1))
    assert partnership_health(user=partnership_lead, partnership=alton_cluster, today=TODAY) is not None
    assert partnership_health(user=outsider, partnership=alton_cluster, today=TODAY) is None


def test_a_schools_contact_summary_counts_a_new_contact_once_it_commits(
    system_lead: User, school_a: School, school_b: School, school_c: School, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(
            school=school_a, other_school=school_b, kind="visit", happened_on=dt.date(2026, 10, 1), about="",
            recorded_by=None,
        )  # fmt: skip
    before = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert before is not None and before.distinct_peers == 1
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(
            school=school_c, other_school=school_a, kind="visit", happened_on=dt.date(2026, 10, 20), about="",
            recorded_by=None,
        )  # fmt: skip
    after = school_contact_summary(user=system_lead, school=school_a, today=TODAY)
    assert after is not None and (after.distinct_peers, after.contacts) == (2, 2)
