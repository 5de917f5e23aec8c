"""A goal's progress from the store: a school's own values, or a group's figure weighted by
cohort as the dashboards weigh it; the evidence set beside it; what a goal may not be."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from evenbetter.accounts.models import User
from evenbetter.goals.models import Goal
from evenbetter.goals.selectors import goal_evidence, goal_progress
from evenbetter.goals.services import GoalError, goal_create
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import Partnership, School
from tests.goals.conftest import THIS_YEAR, benchmark, indicator, value, year

pytestmark = pytest.mark.django_db

DUE = dt.date(THIS_YEAR + 2, 7, 15)  # judged on year(+1), which starts on 1 September THIS_YEAR + 1
BASELINE_AT, DUE_AT, NEXT_AT = dt.date(THIS_YEAR - 1, 9, 1), dt.date(THIS_YEAR + 1, 9, 1), dt.date(THIS_YEAR, 9, 1)
SHARE = (NEXT_AT - BASELINE_AT).days / (DUE_AT - BASELINE_AT).days  # how far along the line this year's figure is


def _school_goal(user: User, school: School, reading: Indicator, target: float = 70) -> Goal:
    return goal_create(by=user, owner=school, indicator=reading, target=target, due_on=DUE, why="Reading for all.")


def test_a_school_goal_keeps_its_baseline_and_is_judged_on_the_line(
    system_lead: User, school_a: School, reading: Indicator
) -> None:
    value(school_a, reading, year(-2), 55)
    value(school_a, reading, year(-1), 60)
    goal = _school_goal(system_lead, school_a, reading)
    assert (goal.baseline_period, goal.baseline_value) == (year(-1), 60)
    assert goal_progress(goal).status.status == "waiting"
    expected = 60 + 10 * SHARE  # 65, give or take a leap day
    this_year = value(school_a, reading, year(0), expected + 0.01)
    progress = goal_progress(goal)
    assert progress.status.expected == pytest.approx(expected)
    assert progress.status.status == "on_track"
    this_year.value = expected - 0.01
    this_year.save()
    assert goal_progress(goal).status.status == "behind"
    this_year.value = 70
    this_year.save()
    assert goal_progress(goal).status.status == "met"
    assert "Met: 70.0% in" in goal_progress(goal).words


def test_a_partnership_goal_is_over_its_members_weighted_by_their_pupils(
    partnership_lead: User, alton_cluster: Partnership, school_a: School, school_b: School, school_c: School,
    reading: Indicator, pupils: Indicator,
) -> None:  # fmt: skip
    for school, (rate, cohort) in ((school_a, (50, 10)), (school_c, (90, 60)), (school_b, (10, 500))):
        value(school, reading, year(-1), rate)
        value(school, pupils, year(-1), cohort)
    goal = goal_create(
        by=partnership_lead, owner=alton_cluster, indicator=reading, target=92, due_on=DUE, why="Together."
    )
    # By hand: (50 x 10 + 90 x 60) / 70 = 84.29; school B is not a member.
    assert goal.baseline_value == pytest.approx(5900 / 70)
    value(school_a, reading, year(0), 60)
    value(school_a, pupils, year(0), 10)
    value(school_c, reading, year(0), 95)
    value(school_c, pupils, year(0), 60)
    progress = goal_progress(goal)
    # (60 x 10 + 95 x 60) / 70 = 90; the line is at 84.29 + (92 - 84.29) x SHARE = 88.1.
    assert progress.status.latest is not None and progress.status.latest.value == pytest.approx(90)
    assert progress.status.expected == pytest.approx(5900 / 70 + (92 - 5900 / 70) * SHARE)
    assert progress.status.status == "on_track"


def test_the_evidence_for_a_school_is_its_even_better_panels_benchmark(
    school_leader_a: User, school_a: School, reading: Indicator
) -> None:
    value(school_a, reading, year(-1), 60)
    benchmark(school_a, reading, year(-1), 60, family_count=30, family_q1=55, family_median=62, family_q3=68, target=68)
    evidence = goal_evidence(school_leader_a, school_a, reading)
    assert (evidence.median, evidence.q1, evidence.q3, evidence.even_better) == (62, 55, 68, 68)
    assert evidence.latest is not None and evidence.latest.value == 60
    assert evidence.ambition(70) == "challenging"
    assert evidence.ambition(65) == "stretching"
    assert evidence.ambition(61) == "modest"


def test_the_evidence_for_a_group_weighs_its_schools_families_by_their_pupils(
    partnership_lead: User, alton_cluster: Partnership, school_a: School, school_c: School, reading: Indicator
) -> None:
    benchmark(school_a, reading, year(-1), 50, family_median=60, family_q1=50, family_q3=70, target=70, cohort=10)
    benchmark(school_c, reading, year(-1), 90, family_median=80, family_q1=75, family_q3=85, target=85, cohort=30)
    evidence = goal_evidence(partnership_lead, alton_cluster, reading)
    # By hand: median (60 x 10 + 80 x 30) / 40 = 75; target (70 x 10 + 85 x 30) / 40 = 81.25.
    assert evidence.median == pytest.approx(75)
    assert evidence.even_better == pytest.approx(81.25)
    assert evidence.schools == 2 and evidence.is_group


@pytest.mark.parametrize(
    ("target", "due", "why", "message"),
    [
        (59, DUE, "Why", "Target: the latest figure is already 60.0%"),
        (60, DUE, "Why", "Target: the latest figure is already 60.0%"),
        (101, DUE, "Why", "Target: 101.0% is outside what"),
        (70, dt.date(2000, 1, 1), "Why", "Date: 1 January 2000 has passed"),
        (70, DUE, "  ", "Why: say in a few words"),
    ],
)
def test_a_goal_that_cannot_be_is_refused_with_what_and_where_and_nothing_is_written(
    school_leader_a: User, school_a: School, reading: Indicator, target: float, due: dt.date, why: str, message: str
) -> None:
    value(school_a, reading, year(-1), 60)
    with pytest.raises(GoalError, match=re.escape(message)):
        goal_create(by=school_leader_a, owner=school_a, indicator=reading, target=target, due_on=due, why=why)
    assert not Goal.objects.exists()


def test_lower_is_better_needs_a_lower_target_and_neither_has_no_goal(
    school_leader_a: User, school_a: School, register: object
) -> None:
    absence = indicator("absence", direction="lower")
    value(school_a, absence, year(-1), 10)
    with pytest.raises(GoalError, match=re.escape("already 10.0%")):
        goal_create(by=school_leader_a, owner=school_a, indicator=absence, target=12, due_on=DUE, why="Why")
    goal = goal_create(by=school_leader_a, owner=school_a, indicator=absence, target=8, due_on=DUE, why="Why")
    value(school_a, absence, year(0), 8)
    assert goal_progress(goal).status.status == "met"
    context = indicator("pupils_on_roll", direction="neither", unit="pupils")
    with pytest.raises(GoalError, match="no better direction"):
        goal_create(by=school_leader_a, owner=school_a, indicator=context, target=300, due_on=DUE, why="Why")
