"""Who may set, change and withdraw a goal, and who may read it: every URL both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.goals.models import Goal
from evenbetter.goals.selectors import can_set_goals_for
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import Locality, Partnership, School
from tests.goals.conftest import THIS_YEAR, value, year

pytestmark = pytest.mark.django_db

DUE = dt.date(THIS_YEAR + 2, 7, 15)
GOAL = {"target": "70", "due_on": DUE.isoformat(), "why": "Every child a reader."}


def _goal(owner: School | Partnership | Locality, measure: Indicator, by: User) -> Goal:
    field = "school" if isinstance(owner, School) else "partnership" if isinstance(owner, Partnership) else "locality"
    return Goal.objects.create(**{field: owner}, indicator=measure, target=70, due_on=DUE, why="Why", set_by=by)


def test_who_may_set_goals_for_what(
    system_lead: User, partnership_lead: User, school_leader_a: User, school_leader_b: User, governor: User,
    partner_agency: User, outsider: User, locality_lead: User, staff_member: User, school_a: School, school_b: School,
    alton_cluster: Partnership, east_hampshire: Locality,
) -> None:  # fmt: skip
    may = {
        (user.username, str(owner)): can_set_goals_for(user, owner)
        for user in (system_lead, partnership_lead, school_leader_a, school_leader_b, governor, partner_agency,
                     outsider, locality_lead, staff_member)
        for owner in (school_a, school_b, alton_cluster, east_hampshire)
    }  # fmt: skip
    allowed = {key for key, yes in may.items() if yes}
    assert allowed == {
        ("system_lead", str(school_a)), ("system_lead", str(school_b)), ("system_lead", str(alton_cluster)),
        ("system_lead", str(east_hampshire)),
        ("school_leader_a", str(school_a)), ("school_leader_b", str(school_b)),
        ("partnership_lead", str(alton_cluster)),
        ("locality_lead", str(east_hampshire)),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("school_leader_a", 302), ("system_lead", 302), ("school_leader_b", 403), ("governor", 403),
     ("partnership_lead", 403), ("locality_lead", 403), ("staff_member", 403), ("partner_agency", 403),
     ("outsider", 403)],
)  # fmt: skip
def test_setting_a_school_goal(
    client_for: Callable[[str], Client], school_a: School, reading: Indicator, persona: str, expected: int
) -> None:
    value(school_a, reading, year(-1), 60)
    url = reverse("school_goal_create", args=[school_a.pk])
    response = client_for(persona).post(url, {"indicator": reading.pk, **GOAL})
    assert response.status_code == expected
    assert Goal.objects.filter(school=school_a).count() == (1 if expected == 302 else 0)
    if expected == 302:
        goal = Goal.objects.get()
        assert (goal.target, goal.due_on, goal.baseline_value, goal.set_by.username) == (70, DUE, 60, persona)


def test_the_form_shows_the_evidence_and_a_bad_target_is_refused_in_plain_words(
    client_for: Callable[[str], Client], school_a: School, reading: Indicator
) -> None:
    value(school_a, reading, year(-1), 60)
    url = reverse("school_goal_create", args=[school_a.pk])
    client = client_for("school_leader_a")
    page = client.get(url, {"indicator": reading.pk})
    assert page.status_code == 200
    assert "Latest figure" in page.content.decode() and "60.0% in " + year(-1) in page.content.decode()
    refused = client.post(url, {"indicator": reading.pk, **GOAL, "target": "55"})
    assert refused.status_code == 400
    assert "Target: the latest figure is already 60.0%" in refused.content.decode()
    assert not Goal.objects.exists()


def test_shared_goals_by_their_leads_only(
    client_for: Callable[[str], Client], alton_cluster: Partnership, east_hampshire: Locality, reading: Indicator
) -> None:
    partnership_url = reverse("partnership_goal_create", args=[alton_cluster.slug])
    locality_url = reverse("locality_goal_create", args=[east_hampshire.slug])
    assert client_for("school_leader_a").post(partnership_url, {"indicator": reading.pk, **GOAL}).status_code == 403
    assert client_for("partnership_lead").post(locality_url, {"indicator": reading.pk, **GOAL}).status_code == 403
    assert not Goal.objects.exists()
    assert client_for("partnership_lead").post(partnership_url, {"indicator": reading.pk, **GOAL}).status_code == 302
    assert client_for("locality_lead").post(partnership_url, {"indicator": reading.pk, **GOAL}).status_code == 403
    assert client_for("locality_lead").post(locality_url, {"indicator": reading.pk, **GOAL}).status_code == 302
    assert set(Goal.objects.values_list("partnership__slug", "locality__slug")) == {
        (alton_cluster.slug, None), (None, east_hampshire.slug),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "public", "local"),
    [("system_lead", 200, 200), ("school_leader_a", 200, 200), ("partnership_lead", 200, 200),
     ("locality_lead", 200, 200), ("governor", 200, 200), ("staff_member", 200, 200), ("school_leader_b", 200, 404),
     ("partner_agency", 200, 404), ("outsider", 404, 404)],
)  # fmt: skip
def test_who_reads_a_school_goal_and_a_goal_on_a_local_record(
    client_for: Callable[[str], Client], school_a: School, school_leader_a: User, reading: Indicator,
    staff_survey: Indicator, persona: str, public: int, local: int,
) -> None:  # fmt: skip
    client = client_for(persona)
    on_public = client.get(reverse("goal_detail", args=[_goal(school_a, reading, school_leader_a).pk]))
    on_local = client.get(reverse("goal_detail", args=[_goal(school_a, staff_survey, school_leader_a).pk]))
    assert (on_public.status_code, on_local.status_code) == (public, local)
    school_page = client.get(reverse("school_section", args=[school_a.pk, "goals"]))
    if public == 200:
        assert reading.name in school_page.content.decode()
        assert (staff_survey.name in school_page.content.decode()) == (local == 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("school_leader_a", 302), ("system_lead", 302), ("school_leader_b", 403), ("governor", 403),
     ("partnership_lead", 403), ("locality_lead", 403), ("staff_member", 403), ("partner_agency", 403)],
)  # fmt: skip
def test_changing_and_withdrawing_a_school_goal(
    client_for: Callable[[str], Client], school_a: School, school_leader_a: User, reading: Indicator, persona: str,
    expected: int,
) -> None:  # fmt: skip
    goal = _goal(school_a, reading, school_leader_a)
    client = client_for(persona)
    changed = client.post(reverse("goal_edit", args=[goal.pk]), {**GOAL, "target": "75", "why": "Higher."})
    assert changed.status_code == expected
    goal.refresh_from_db()
    assert goal.target == (75 if expected == 302 else 70)
    withdrawn = client.post(reverse("goal_withdraw", args=[goal.pk]))
    assert withdrawn.status_code == expected
    goal.refresh_from_db()
    assert goal.is_withdrawn == (expected == 302)


def test_a_withdrawn_goal_leaves_the_pages(
    client_for: Callable[[str], Client], school_a: School, school_leader_a: User, reading: Indicator
) -> None:
    goal = _goal(school_a, reading, school_leader_a)
    client = client_for("school_leader_a")
    assert client.get(reverse("goal_detail", args=[goal.pk])).status_code == 200
    client.post(reverse("goal_withdraw", args=[goal.pk]))
    assert client.get(reverse("goal_detail", args=[goal.pk])).status_code == 404
    assert reading.name not in client.get(reverse("school_section", args=[school_a.pk, "goals"])).content.decode()
