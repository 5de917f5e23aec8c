"""Celebrations: what the refresh finds (once, however often it runs), and who sees each — both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.goals.models import Celebration, Goal
from evenbetter.goals.selectors import celebrations_visible_to
from evenbetter.goals.services import celebrations_refresh
from evenbetter.indicators.models import Indicator
from evenbetter.practice import services as practice
from evenbetter.practice.models import Tried
from evenbetter.practice.services import digest_send
from evenbetter.schools.models import School
from tests.goals.conftest import THIS_YEAR, benchmark, value, year
from tests.support.test_impact import LONDON, _closed, reading_family  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

DUE = dt.date(THIS_YEAR + 2, 7, 15)
PERSONAS = [
    "system_lead", "partnership_lead", "locality_lead", "school_leader_a", "school_leader_b", "governor",
    "partner_agency", "staff_member",
]  # fmt: skip
# School A's own people (its governor and staff) and those who see it in full: who sees its local records.
SCHOOL_A_OWN = {"system_lead", "partnership_lead", "locality_lead", "school_leader_a", "governor", "staff_member"}


def _met_goal(school: School, measure: Indicator, by: User) -> Goal:
    value(school, measure, year(-1), 60)
    goal = Goal.objects.create(
        school=school, indicator=measure, target=70, due_on=DUE, why="Why", set_by=by,
        baseline_period=year(-1), baseline_value=60,
    )  # fmt: skip
    value(school, measure, year(0), 71)
    return goal


def _who_sees(users: dict[str, User]) -> set[str]:
    return {name for name, user in users.items() if any(c for c in celebrations_visible_to(user, limit=None))}


@pytest.fixture
def users(request: pytest.FixtureRequest, alton_cluster: object) -> dict[str, User]:
    return {name: request.getfixturevalue(name) for name in [*PERSONAS, "outsider"]}


def test_a_met_goal_is_found_once_however_often_the_refresh_runs(
    school_a: School, school_leader_a: User, reading: Indicator
) -> None:
    goal = _met_goal(school_a, reading, school_leader_a)
    first = celebrations_refresh()
    assert (first.found, first.new) == (1, 1)
    celebration = Celebration.objects.get()
    assert celebration.goal == goal and celebration.kind == Celebration.Kind.GOAL_MET
    assert celebration.headline == (
        f"Alton Infant School met its goal for {reading.name}: 71.0% in {year(0)}, against a target of 70.0%."
    )
    celebration.words, celebration.quiet = "Thank you, year 6.", False
    celebration.save()
    again = celebrations_refresh()
    assert (again.found, again.new, again.gone) == (1, 0, 0)
    assert Celebration.objects.get().pk == celebration.pk
    assert Celebration.objects.get().words == "Thank you, year 6."
    goal.withdrawn_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    goal.save()
    assert celebrations_refresh().gone == 1
    assert not Celebration.objects.exists()


def test_a_met_goal_is_seen_by_those_who_see_the_goal(
    users: dict[str, User], school_a: School, reading: Indicator, staff_survey: Indicator
) -> None:
    _met_goal(school_a, reading, users["school_leader_a"])
    celebrations_refresh()
    # A published indicator: everyone who may open school A's page.
    assert _who_sees(users) == set(PERSONAS)
    Celebration.objects.all().delete()
    Goal.objects.all().delete()
    _met_goal(school_a, staff_survey, users["school_leader_a"])
    celebrations_refresh()
    # A local record: school A's own people and those who see it in full; not school B, not the agency.
    assert _who_sees(users) == SCHOOL_A_OWN


def test_kept_quiet_it_is_seen_only_by_those_who_may_change_that(
    users: dict[str, User], client_for: Callable[[str], Client], school_a: School, reading: Indicator
) -> None:
    _met_goal(school_a, reading, users["school_leader_a"])
    celebrations_refresh()
    celebration = Celebration.objects.get()
    url = reverse("celebration_quiet", args=[celebration.pk])
    # Those who see it but do not speak for school A may not keep it quiet.
    for persona in (
        "school_leader_b",
        "governor",
        "partnership_lead",
        "locality_lead",
        "partner_agency",
        "staff_member",
    ):
        assert client_for(persona).post(url, {"quiet": "on"}).status_code == 403
    assert not Celebration.objects.get().quiet
    assert client_for("school_leader_a").post(url, {"quiet": "on"}).status_code == 302
    assert Celebration.objects.get().quiet
    assert _who_sees(users) == {"system_lead", "school_leader_a"}
    # Now hidden from them, school B cannot even find it.
    assert client_for("school_leader_b").post(url, {"quiet": ""}).status_code == 404
    assert Celebration.objects.get().quiet


def test_a_few_words_from_the_school_only(
    users: dict[str, User], client_for: Callable[[str], Client], school_a: School, reading: Indicator
) -> None:
    _met_goal(school_a, reading, users["school_leader_a"])
    celebrations_refresh()
    celebration = Celebration.objects.get()
    url = reverse("celebration_words", args=[celebration.pk])
    assert client_for("governor").post(url, {"words": "Well done all."}).status_code == 403
    assert client_for("school_leader_b").post(url, {"words": "Well done all."}).status_code == 403
    assert Celebration.objects.get().words == ""
    too_long = client_for("school_leader_a").post(url, {"words": "x" * 301})
    assert too_long.status_code == 302 and Celebration.objects.get().words == ""
    assert client_for("school_leader_a").post(url, {"words": "Well done all."}).status_code == 302
    assert Celebration.objects.get().words == "Well done all."
    home = client_for("governor").get(reverse("home")).content.decode()
    assert "Celebrating" in home and "Well done all." in home


@pytest.mark.usefixtures("reading_family")
def test_support_that_clearly_worked_is_seen_as_its_brokerage_is(
    users: dict[str, User], school_a: School, school_b: School
) -> None:
    help_request = _closed(
        school_a, school_b, dt.datetime(2018, 10, 15, 12, tzinfo=LONDON), dt.datetime(2019, 6, 30, 12, tzinfo=LONDON)
    )
    celebrations_refresh()
    celebration = Celebration.objects.get(kind=Celebration.Kind.SUPPORT_WORKED)
    assert celebration.help_request == help_request
    assert "with help from Ash Grange" in celebration.headline
    # The two schools' people and the brokers (support.selectors.sees_brokerage: school A's partnership
    # and locality leads among them); not the agency, not school A's staff.
    assert _who_sees(users) == {
        "system_lead", "partnership_lead", "locality_lead", "school_leader_a", "school_leader_b", "governor",
    }  # fmt: skip


def test_a_large_rise_against_similar_schools(
    users: dict[str, User], school_a: School, school_b: School, school_c: School, reading: Indicator,
    staff_survey: Indicator,
) -> None:  # fmt: skip
    reading.headline = True
    reading.save()
    family = {"family_count": 30}

    def rise(school: School, measure: Indicator, values: tuple[float, float], places: tuple[float, float],
             **fields: object) -> None:  # fmt: skip
        benchmark(school, measure, year(-1), values[0], family_percentile=places[0], **family)
        benchmark(school, measure, year(0), values[1], family_percentile=places[1], **{**family, **fields})

    rise(school_a, reading, (55, 68), (30, 55))  # up 25 points: celebrated
    rise(school_c, reading, (55, 60), (30, 54))  # up 24: not
    rise(school_b, reading, (40, 80), (10, 90), small_cohort=True)  # on a small cohort, by chance: not
    celebrations_refresh()
    [celebration] = Celebration.objects.all()
    assert celebration.school == school_a and celebration.kind == Celebration.Kind.IMPROVEMENT
    assert f"went from 55.0% in {year(-1)} to 68.0% in {year(0)}" in celebration.headline
    with override_settings(EVENBETTER_CELEBRATE_IMPROVEMENT_POINTS=24):
        celebrations_refresh()
    assert set(Celebration.objects.values_list("school__urn", flat=True)) == {school_a.urn, school_c.urn}
    assert "partner_agency" in _who_sees(users) and "outsider" not in _who_sees(users)


def test_only_a_real_rise_in_what_matters_is_celebrated(
    users: dict[str, User], school_a: School, school_b: School, reading: Indicator, staff_survey: Indicator
) -> None:
    breakdown = Indicator.objects.create(
        code="ks2_reading_boys", name="Reading, boys", unit="%", direction="higher", domain="outcomes",
        comparison="percent",
    )  # fmt: skip
    for measure, school, values, count in (
        (reading, school_a, (60, 58), 30),  # its place rose, but its value fell: not
        (reading, school_b, (40, 50), 9),  # among too few similar schools: not
        (breakdown, school_a, (40, 60), 30),  # a breakdown, not a headline measure: not
        (staff_survey, school_a, (50, 70), 30),  # wellbeing and trust, a local record: celebrated
    ):
        benchmark(school, measure, year(-1), values[0], family_percentile=20, family_count=count)
        benchmark(school, measure, year(0), values[1], family_percentile=60, family_count=count)
    celebrations_refresh()
    [celebration] = Celebration.objects.all()
    assert celebration.indicator == staff_survey
    # A local record: seen as the value is, by school A's own people and those who see it in full.
    assert _who_sees(users) == SCHOOL_A_OWN


@override_settings(EVENBETTER_CELEBRATE_PRACTICE_TRIED=2)
def test_practice_many_schools_tried(
    users: dict[str, User], school_a: School, school_b: School, school_c: School
) -> None:
    item = practice.item_create(
        author=users["school_leader_a"], schools=[school_a], kind="idea", title="Phonics catch-up",
        summary="Ten minutes a day.", body="Small groups.", phase="primary", areas=["reading"],
    )  # fmt: skip
    started = dt.date(2018, 9, 1)
    Tried.objects.create(item=item, school=school_b, outcome=Tried.Outcome.WORKED, started_on=started)
    celebrations_refresh()
    assert not Celebration.objects.exists()
    Tried.objects.create(item=item, school=school_c, outcome=Tried.Outcome.MIXED, started_on=started)
    celebrations_refresh()
    [celebration] = Celebration.objects.all()
    assert celebration.headline == "Phonics catch-up: tried by 2 schools, shared by Alton Infant School."
    # As the library shows the item: everyone with a role ("everyone has something to add"), no outsider.
    assert _who_sees(users) == set(PERSONAS)
    # Withdrawn, it is seen by nobody but the moderators even before the next refresh lets it go.
    practice.item_withdraw(item=item, by=users["school_leader_a"])
    assert _who_sees(users) == {"system_lead"}
    celebrations_refresh()
    assert not Celebration.objects.exists()


def test_the_home_feed_and_the_digest_tell_only_those_who_may_see(
    users: dict[str, User], client_for: Callable[[str], Client], school_a: School, staff_survey: Indicator
) -> None:
    _met_goal(school_a, staff_survey, users["school_leader_a"])
    celebrations_refresh()
    headline = Celebration.objects.get().headline
    assert headline in client_for("governor").get(reverse("home")).content.decode()
    assert headline not in client_for("school_leader_b").get(reverse("home")).content.decode()
    digest_send()
    told = {message.to[0].split("@")[0] for message in mail.outbox if headline in message.body}
    assert told == SCHOOL_A_OWN
    assert all("Celebrating:" in message.body for message in mail.outbox if headline in message.body)
