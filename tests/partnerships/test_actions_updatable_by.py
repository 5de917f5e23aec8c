"""``actions_updatable_by`` is ``can_update_action`` in SQL: for every persona and every kind of
action (owned by a school, a partnership's, given to a person, given to an agency, shared with an
agency but not given), the two agree; and the home page's actions due count in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from evenbetter.partnerships.models import Action, Agency
from evenbetter.partnerships.selectors import actions_due_for, actions_updatable_by, can_update_action
from evenbetter.schools.models import Partnership, School
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(
    school_a: School, school_b: School, school_c: School, alton_cluster: Partnership, early_help: Agency, request
) -> list[Action]:
    today = timezone.localdate()
    staff = request.getfixturevalue("staff_member")

    def action(title: str, days: int, **fields: object) -> Action:
        return Action.objects.create(
            title=title, agreed_on=today - dt.timedelta(days=30), due_on=today + dt.timedelta(days=days), **fields
        )

    other = Partnership.objects.create(name="Guildford Trust", slug="guildford-trust", kind=Partnership.Kind.TRUST)
    return [
        action("A's own", -3, owner_school=school_a),
        action("B's own", 2, owner_school=school_b),
        action("The cluster's", 4, partnership=alton_cluster, owner_school=school_c),
        action("Another trust's", 1, partnership=other, owner_school=school_b),
        action("Given to a teacher", -1, owner_school=school_b, assignee=staff),
        action("Given to early help", 0, owner_school=school_b, agency=early_help, assigned_to_agency=True),
        action("Shared with early help, not given", 3, owner_school=school_b, agency=early_help),
        action("Done", -9, owner_school=school_a, status=Action.Status.DONE),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_sql_rule_is_can_update_action(persona: str, actions: list[Action], request) -> None:
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    in_sql = set(actions_updatable_by(user, Action.objects.all()).values_list("pk", flat=True))
    by_rule = {action.pk for action in Action.objects.all() if can_update_action(user, action)}
    assert in_sql == by_rule


@pytest.mark.parametrize("persona", ["system_lead", "school_leader_a", "staff_member", "partner_agency"])
def test_actions_due_are_counted_as_the_rule_says(persona: str, actions: list[Action], request) -> None:
    user = request.getfixturevalue(persona)
    today = timezone.localdate()
    due = actions_due_for(user, today=today)
    mine = [
        a for a in Action.objects.order_by("due_on", "pk")
        if can_update_action(user, a) and a.status in (Action.Status.AGREED, Action.Status.IN_PROGRESS)
        and a.due_on <= today + dt.timedelta(days=14)
    ]  # fmt: skip
    assert due.total == len(mine) > 0
    assert due.overdue == sum(1 for a in mine if a.is_overdue(today))
    assert [a.pk for a in due.actions] == [a.pk for a in mine][: len(due.actions)]
