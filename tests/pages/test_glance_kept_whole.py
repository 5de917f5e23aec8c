"""The school page's glance kept whole (``pages.registry``: its panels that opt in, read and
written as one entry of the cache): goals, concerns, help and partnership life are kept per
school and reader's access shape (``schools.access.access_shape``) until their records are
written (each kind's generation), beside the strengths; the risk line is worked out, and its read
audited, on every view. Two readers of different access each see their own, whoever came first;
what is kept is what is worked out; every write (a new help request, action, goal or concern, and
each one's change of status) shows on the next view; a school with none of those records reads
none of their tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, Membership, Role, User
from evenbetter.concerns.models import Concern
from evenbetter.concerns.services import concern_withdraw
from evenbetter.goals.models import Goal
from evenbetter.goals.services import goal_withdraw
from evenbetter.partnerships.models import Action
from evenbetter.partnerships.services import action_update
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from evenbetter.support.services import help_request_withdraw
from tests.conftest import make_user
from tests.earlywarning.conftest import make_risk_run
from tests.goals.conftest import indicator

pytestmark = pytest.mark.django_db

GLANCE_TABLES = ("goals_goal", "concerns_concern", "support_helprequest", "partnerships_action")


def _glance(client: Client, school: School) -> str:
    page = client.get(school.get_absolute_url()).content.decode()
    start = page.index('id="at-a-glance"')
    return page[start : page.index('class="school-sections"', start)]


@pytest.fixture
def records(
    school_a: School, alton_cluster: Partnership, system_lead: User, school_leader_a: User
) -> dict[str, object]:
    """School A's records of each kind, each seen by its own leaders and the leads, never by
    another school's leader (a request for the broker only, a goal on a local record, a concern,
    an action of its cluster)."""
    make_risk_run([(school_a, 0.31, 0.21, "raised")])
    return {
        "help": HelpRequest.objects.create(
            school=school_a, created_by=school_leader_a, area="reading", title="Phonics for year 1",
            description="", urgency="this_term", kind="advice", visibility="broker_only", on_behalf=False,
        ),
        "goal": Goal.objects.create(
            school=school_a, indicator=indicator("staff_pulse", public=False), target=75,
            due_on=dt.date(timezone.localdate().year + 2, 7, 15), why="Why", set_by=system_lead,
        ),
        "concern": Concern.objects.create(school=school_a, area="reading", text="Reading is slipping.", raised_by=system_lead),
        "action": Action.objects.create(
            title="Visit the cluster's reading lead", partnership=alton_cluster, owner_school=school_a,
            agreed_on=timezone.localdate(), due_on=timezone.localdate() + dt.timedelta(days=30),
        ),
    }  # fmt: skip


@pytest.mark.parametrize("first", ["system_lead", "school_leader_b"])
def test_each_reader_sees_their_own_glance_whoever_came_first(
    records: dict[str, object], client_for: Callable[[str], Client], school_a: School, first: str
) -> None:
    readers = ["system_lead", "school_leader_b"] if first == "system_lead" else ["school_leader_b", "system_lead"]
    seen = {reader: _glance(client_for(reader), school_a) for reader in readers}
    lead, other = seen["system_lead"], seen["school_leader_b"]
    for shown in ("Phonics for year 1", "75.0% by", "1 concern raised", "Visit the cluster", "Trouble ahead"):
        assert shown in lead, shown
        assert shown not in other, shown
    # Asked again, each gets what was kept for their own access.
    assert _glance(client_for("school_leader_b"), school_a) == other
    assert _glance(client_for("system_lead"), school_a) == lead


def test_what_is_kept_is_what_is_worked_out_and_the_risk_line_stays_live(
    records: dict[str, object], client_for: Callable[[str], Client], school_a: School
) -> None:
    lead = client_for("system_lead")
    cache.clear()
    worked_out = _glance(lead, school_a)
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a).count()
    with CaptureQueriesContext(connection) as queries:
        kept = _glance(lead, school_a)
    assert kept == worked_out
    reads = " ".join(query["sql"] for query in queries.captured_queries)
    assert not [table for table in GLANCE_TABLES if f'"{table}"' in reads]  # drawn from the kept entry
    assert '"earlywarning_riskscore"' in reads  # the risk line is read ...
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a).count() == audited + 1


def test_another_system_lead_is_given_what_was_kept_for_the_first(
    records: dict[str, object], client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    first = _glance(client_for("system_lead"), school_a)
    # A system lead who also leads a school sees what every system lead sees.
    second_lead = make_user("second-system-lead", Role.SYSTEM_LEAD)
    Membership.objects.create(user=second_lead, role=Role.SCHOOL_LEADER, school=school_b)
    client = Client()
    client.force_login(second_lead)
    with CaptureQueriesContext(connection) as queries:
        assert _glance(client, school_a) == first
    reads = " ".join(query["sql"] for query in queries.captured_queries)
    assert not [table for table in GLANCE_TABLES if f'"{table}"' in reads]


def test_a_reader_given_a_role_is_never_shown_what_was_kept_for_the_old_one(
    records: dict[str, object], school_leader_b: User, school_a: School, school_c: School
) -> None:
    client = Client()
    client.force_login(school_leader_b)
    before = _glance(client, school_a)
    assert "Phonics for year 1" not in before and "Visit the cluster" not in before
    # Made the leader of a school in school A's cluster too: still A's public view, but the
    # cluster's actions are now theirs to see.
    Membership.objects.create(user=school_leader_b, role=Role.SCHOOL_LEADER, school=school_c)
    assert "Visit the cluster" in _glance(client, school_a)
    Membership.objects.filter(user=school_leader_b, school=school_c).delete()
    assert _glance(client, school_a) == before
    Membership.objects.create(user=school_leader_b, role=Role.SYSTEM_LEAD)
    assert "Phonics for year 1" in _glance(client, school_a)


def _new_help(school: School, by: User) -> None:
    HelpRequest.objects.create(
        school=school, created_by=by, area="maths", title="Fractions in year 5", description="",
        urgency="this_term", kind="advice", visibility="named", on_behalf=False,
    )  # fmt: skip


WRITES = {
    "a new help request": (lambda r, s, u: _new_help(s, u), "Fractions in year 5", True),
    "a help request withdrawn": (lambda r, s, u: help_request_withdraw(help_request=r["help"], by=u), "Phonics", False),
    "a new goal": (
        lambda r, s, u: Goal.objects.create(
            school=s,
            indicator=indicator("staff_trust", public=False),
            target=64,
            due_on=r["goal"].due_on,
            why="W",
            set_by=u,
        ),
        "64.0% by",
        True,
    ),
    "a goal withdrawn": (lambda r, s, u: goal_withdraw(goal=r["goal"], by=u), "75.0% by", False),
    "a new concern": (
        lambda r, s, u: Concern.objects.create(school=s, area="maths", text="Maths too.", raised_by=u),
        "2 concerns raised",
        True,
    ),
    "a concern withdrawn": (
        lambda r, s, u: concern_withdraw(request=None, by=u, concern=r["concern"]),
        "1 concern raised",
        False,
    ),
    "a new action": (
        lambda r, s, u: Action.objects.create(
            title="Share the phonics plan",
            owner_school=s,
            agreed_on=timezone.localdate(),
            due_on=timezone.localdate() + dt.timedelta(days=3),
        ),
        "2 actions due",
        True,
    ),
    "an action done": (
        lambda r, s, u: action_update(action=r["action"], status=Action.Status.DONE, done_on=None, evidence="Done"),
        "Visit the cluster",
        False,
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_shows_on_the_next_view(
    write: str,
    records: dict[str, object],
    client_for: Callable[[str], Client],
    school_a: School,
    system_lead: User,
    django_capture_on_commit_callbacks,
) -> None:
    do, words, shown_after = WRITES[write]
    lead = client_for("system_lead")
    before = _glance(lead, school_a)
    assert _glance(lead, school_a) == before  # kept
    with django_capture_on_commit_callbacks(execute=True):
        do(records, school_a, system_lead)
    after = _glance(lead, school_a)
    assert (words in after) is shown_after, (write, words)
    assert (words in before) is not shown_after, (write, words)


def test_a_school_with_none_of_those_records_reads_none_of_their_tables(
    client_for: Callable[[str], Client], school_b: School, school_c: School
) -> None:
    make_risk_run([(school_b, 0.62, 0.52, "high"), (school_c, 0.05, -0.05, "usual")])
    lead = client_for("system_lead")
    _glance(lead, school_b)  # which schools hold each kind of records is kept
    with CaptureQueriesContext(connection) as queries:
        glance = _glance(lead, school_c)  # its first view
    reads = " ".join(query["sql"] for query in queries.captured_queries)
    assert not [table for table in GLANCE_TABLES if f'"{table}"' in reads]
    assert "No goals set that you can see." in glance
    assert "No open concern raised" in glance
    assert "No help asked or given under way" in glance
