"""Goals where people look: the school page (at a glance), the partnership and locality pages and
the dashboards, each with its status from the latest figures, and only where the reader may see it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.goals.models import Goal
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import Locality, Partnership, School
from tests.goals.conftest import THIS_YEAR, value, year

pytestmark = pytest.mark.django_db

DUE = dt.date(THIS_YEAR + 2, 7, 15)


@pytest.fixture
def goals(
    school_a: School, school_b: School, alton_cluster: Partnership, east_hampshire: Locality, system_lead: User,
    reading: Indicator, staff_survey: Indicator,
) -> dict[str, Goal]:  # fmt: skip
    value(school_a, reading, year(-1), 60)
    value(school_a, reading, year(0), 50)  # fell: behind
    value(school_a, staff_survey, year(0), 40)

    def goal(measure: Indicator, target: float, **owner: object) -> Goal:
        return Goal.objects.create(
            indicator=measure, target=target, due_on=DUE, why="Why", set_by=system_lead, baseline_period=year(-1),
            baseline_value=60 if measure == reading else None, **owner,
        )  # fmt: skip

    return {
        "school_a": goal(reading, 70, school=school_a),
        "school_a_local": goal(staff_survey, 75, school=school_a),
        "school_b": goal(reading, 65, school=school_b),
        "alton": goal(reading, 80, partnership=alton_cluster),
        "east_hampshire": goal(reading, 81, locality=east_hampshire),
    }


def test_at_a_glance_on_the_school_page(client_for: Callable[[str], Client], goals: dict[str, Goal]) -> None:
    page = client_for("governor").get(reverse("school_detail_by_id", args=[goals["school_a"].school_id]))
    glance = page.content.decode().split('id="glance-goals-heading"')[1].split("</div>")[0]
    assert "Behind" in glance and "70.0% by" in glance and "75.0% by" in glance
    assert "Set a goal" not in glance  # governors read
    leader = client_for("school_leader_a").get(reverse("school_detail_by_id", args=[goals["school_a"].school_id]))
    assert "Set a goal" in leader.content.decode().split('id="glance-goals-heading"')[1].split("</div>")[0]
    other = client_for("school_leader_b").get(reverse("school_detail_by_id", args=[goals["school_a"].school_id]))
    glance_b = other.content.decode().split('id="glance-goals-heading"')[1].split("</div>")[0]
    assert "70.0% by" in glance_b and "75.0% by" not in glance_b  # not school A's local record


def test_shared_goals_on_the_partnership_and_locality_pages(
    client_for: Callable[[str], Client], goals: dict[str, Goal]
) -> None:
    lead = client_for("partnership_lead")
    partnership = lead.get(reverse("partnership_detail", args=["alton-cluster"])).content.decode()
    assert "Shared goals" in partnership and "80.0% by" in partnership and "Set a goal" in partnership
    locality = client_for("partner_agency").get(reverse("locality_detail", args=["east-hampshire"])).content.decode()
    assert "81.0% by" in locality and "Set a goal" not in locality


def test_on_the_dashboards_as_far_as_the_reader_may_see(
    client_for: Callable[[str], Client], goals: dict[str, Goal], alton_cluster: Partnership
) -> None:
    everything = client_for("system_lead").get(reverse("dashboard")).content.decode()
    assert all(f"{goal.target:.1f}% by" in everything for goal in goals.values())
    alton = client_for("system_lead").get(reverse("dashboard"), {"partnership": alton_cluster.slug}).content.decode()
    assert "80.0% by" in alton and "70.0% by" in alton and "65.0% by" not in alton and "81.0% by" not in alton
    other = client_for("school_leader_b").get(reverse("dashboard"), {"locality": ""}).content.decode()
    assert "70.0% by" in other and "75.0% by" not in other


def test_the_indicators_to_choose_from_are_grouped_by_domain(
    client_for: Callable[[str], Client], school_a: School, reading: Indicator, staff_survey: Indicator
) -> None:
    absence = Indicator.objects.create(
        code="absence_overall", name="Overall absence", unit="%", direction="lower", domain="attendance",
        comparison="percent",
    )  # fmt: skip
    page = client_for("school_leader_a").get(reverse("school_goal_create", args=[school_a.pk])).content.decode()
    select = page.split('name="indicator"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    # In the domains' own order (outcomes, attendance, …, wellbeing), each indicator in its own.
    assert [label for label, _ in groups] == ["Outcomes", "Attendance", "Wellbeing and trust"]
    members = {label: re.findall(r'<option value="(\d+)"', options) for label, options in groups}
    assert members == {
        "Outcomes": [str(reading.pk)],
        "Attendance": [str(absence.pk)],
        "Wellbeing and trust": [str(staff_survey.pk)],
    }
    assert ">Choose an indicator</option>" in select.split("<optgroup")[0]
    # A choice still comes back as the indicator.
    chosen = client_for("school_leader_a").get(
        reverse("school_goal_create", args=[school_a.pk]), {"indicator": absence.pk}
    )
    assert chosen.status_code == 200 and "Overall absence" in chosen.content.decode()
