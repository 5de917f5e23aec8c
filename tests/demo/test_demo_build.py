"""The embedded demo: the real register, generated clusters marked as such, a login per role."""

from __future__ import annotations

import ast
import inspect
import io
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.models import Partnership, School

# Same on any database: the demo is the embedded default, built on SQLite by `make run`; every
# step it takes (the real files' imports, the refresh, the early warning, the generated
# records) has tests of its own that run on PostgreSQL too. Built there as well, it was a
# sixth of the PostgreSQL stage.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

HOME_HEADINGS = {
    "system-lead": "The whole system",
    "admin": "The whole system",
    "locality-lead": "Localities you lead",
    "partnership-lead": "Partnerships you lead",
    "school-leader": "Your school",
    "school-leader-b": "Your school",
    "staff-member": "Your school",
    "governor": "The school you govern",
    "partner-agency": "Where you work",
}


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker, real_data_dir_for_module: Path) -> Iterator[str]:
    """The demo is built once for this module (it imports every real file), and the
    database is emptied again afterwards, its cache table too (flush empties only the models'
    tables, and the figures the build kept would be read by later tests: the suggestions'
    strength in an area, say); each test runs in a transaction on top of it."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        with override_settings(EVENBETTER_DEMO_PASSWORD="demo-password-for-tests"):
            call_command("demo", "--no-backtest", stdout=out)
        yield out.getvalue()
        call_command("flush", "--no-input", verbosity=0)
        cache.clear()


@pytest.fixture(scope="module")
def real_data_dir_for_module() -> Path:
    path = Path(settings.EVENBETTER_DATA_DIR)
    assert path.is_dir(), f"the real public data is missing: {path}"
    return path


@pytest.fixture
def demo(demo_output: str, db: None) -> str:
    return demo_output


def test_the_demo_loads_the_real_register(demo: str) -> None:
    assert School.objects.count() == 1096
    assert "1096 schools" in demo


def test_every_role_has_a_demo_login_and_two_school_leaders_lead_different_schools(demo: str) -> None:
    roles = set(Membership.objects.filter(user__is_generated=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    leaders = Membership.objects.filter(role=Role.SCHOOL_LEADER, user__is_generated=True)
    assert leaders.count() == 2
    assert len({m.school_id for m in leaders}) == 2
    for username in HOME_HEADINGS:
        assert username in demo


def test_generated_records_are_marked_as_generated(demo: str) -> None:
    clusters = Partnership.objects.filter(kind=Partnership.Kind.CLUSTER)
    assert clusters.exists()
    assert not clusters.filter(is_generated=False).exists()
    assert not Partnership.objects.filter(source=Partnership.Source.REGISTER, is_generated=True).exists()
    assert not User.objects.filter(username__in=HOME_HEADINGS, is_generated=False).exists()
    from evenbetter.partnerships.models import Action, AgencyContact, BoardMeeting, Contact, Meeting

    for model in (Contact, Meeting, Action, BoardMeeting, AgencyContact):
        assert model.objects.exists(), model
        assert not model.objects.filter(is_generated=False).exists(), model


def test_the_demo_has_partnership_life_measured_and_benchmarked(demo: str) -> None:
    from evenbetter.benchmarks.models import Benchmark
    from evenbetter.indicators.models import Indicator, Observation

    leader = Membership.objects.get(user__username="school-leader").school
    codes = set(Observation.objects.filter(school=leader).values_list("indicator__code", flat=True))
    assert {"peers_12m", "board_attendance", "staff_turnover", "survey_trust"} <= codes
    assert not Indicator.objects.filter(code__in=codes & {"peers_12m", "staff_turnover"}, is_public=True).exists()
    assert Benchmark.objects.filter(school=leader, indicator__code="peers_12m").exists()


def test_the_partnership_lead_leads_the_cluster_of_the_first_school_leader(demo: str) -> None:
    lead = Membership.objects.get(user__username="partnership-lead")
    leader = Membership.objects.get(user__username="school-leader")
    governor = Membership.objects.get(user__username="governor")
    assert lead.partnership is not None
    assert lead.partnership.memberships.filter(school=leader.school, left_on=None).exists()
    assert governor.school == leader.school
    agency = Membership.objects.get(user__username="partner-agency")
    assert leader.school in agency.locality.schools.all()


@pytest.mark.parametrize(("username", "heading"), list(HOME_HEADINGS.items()))
def test_each_demo_user_signs_in_and_sees_the_home_page_for_their_role(demo: str, username: str, heading: str) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": "demo-password-for-tests"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert heading in response.content.decode()


# The steps of `demo_build` that make records, run again on the built demo, and the steps that
# work figures out from them, which are not: a refresh or an early-warning run again makes the
# same figures by its own tests (and would double this module's time).
RECORD_STEPS = (
    "demo_import_register",
    "demo_make_clusters",
    "demo_generate_local_records",
    "demo_make_users",
    "demo_generate_concerns",
    "demo_supports",
    "demo_generate_practice",
    "demo_generate_goals",
    "celebrations_refresh",
)
FIGURE_STEPS = (
    "demo_import_indicators",
    "data_quality_refresh",
    "partnership_life_refresh",
    "benchmarks_refresh",
    "refresh_done_here",
    "demo_early_warning",
)


def test_every_step_of_the_demo_build_is_known_to_the_test_below() -> None:
    from evenbetter.demo import services

    tree = ast.parse(textwrap.dedent(inspect.getsource(services.demo_build)))
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert called == set(RECORD_STEPS) | set(FIGURE_STEPS), "a new demo step: put it in RECORD_STEPS or FIGURE_STEPS"


def test_making_the_demos_records_again_changes_nothing(demo: str) -> None:
    from evenbetter.concerns.models import Concern
    from evenbetter.demo import services
    from evenbetter.goals.models import Celebration, Goal
    from evenbetter.partnerships.models import Action, Contact, Meeting
    from evenbetter.practice.models import PracticeItem, Tried
    from evenbetter.support.models import Engagement, HelpRequest, SupportOffer

    def counts() -> tuple[int, ...]:
        return (
            Concern.objects.count(),
            School.objects.count(),
            Partnership.objects.count(),
            Membership.objects.count(),
            User.objects.count(),
            Contact.objects.count(),
            Meeting.objects.count(),
            Action.objects.filter(status="done").count(),
            HelpRequest.objects.count(),
            SupportOffer.objects.count(),
            Engagement.objects.count(),
            PracticeItem.objects.count(),
            Tried.objects.count(),
            Goal.objects.count(),
            Celebration.objects.count(),
        )

    before = counts()
    # In demo_build's order, with what each step is given there.
    services.demo_import_register()
    clusters = services.demo_make_clusters()
    services.demo_generate_local_records()
    services.demo_make_users(clusters)
    services.demo_generate_concerns(clusters[0])
    services.demo_supports()
    services.demo_generate_practice()
    services.demo_generate_goals()
    services.celebrations_refresh()
    assert counts() == before  # the simulator is seeded: the same records again, not more


def test_if_empty_leaves_a_database_with_schools_alone(demo: str) -> None:
    School.objects.filter(urn=115850).update(name="Renamed by a user")
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not rebuilt" in out.getvalue()
    assert School.objects.get(urn=115850).name == "Renamed by a user"


def test_the_demo_carries_real_indicators_and_data_quality(demo: str) -> None:
    from evenbetter.indicators.models import Observation

    leader = Membership.objects.get(user__username="school-leader").school
    codes = set(Observation.objects.filter(school=leader).values_list("indicator__code", flat=True))
    assert {"absence_overall", "data_confidence"} <= codes
    # Real values only for schools on the register: nothing outside Hampshire and Surrey.
    assert not Observation.objects.exclude(school__la_code__in=["850", "936"]).exists()


def test_the_demo_has_a_watch_list_that_says_it_uses_generated_records(demo: str) -> None:
    from evenbetter.earlywarning.models import RiskRun, RiskScore

    run = RiskRun.objects.get()
    assert run.uses_generated_data
    assert run.schools_scored == RiskScore.objects.filter(run=run).count() > 100
    client = Client()
    client.post(reverse("login"), {"username": "system-lead", "password": "demo-password-for-tests"})
    page = client.get(reverse("watch_list"))
    assert page.status_code == 200
    assert b"uses generated partnership records" in page.content


def test_the_demo_has_supports_measured_on_real_results_and_some_under_way(demo: str) -> None:
    from evenbetter.support.impact import impact_for
    from evenbetter.support.models import HelpRequest

    requests = HelpRequest.objects.select_related("school", "supporter")
    assert requests.exists() and not requests.filter(is_generated=False).exists()
    closed = [r for r in requests if r.status == HelpRequest.Status.CLOSED]
    assert len(closed) >= 10
    assert all(r.supporter_id not in (None, r.school_id) for r in closed)
    assert all(r.reviews.count() == 2 and r.engagements.exists() for r in closed)
    # Measured on the schools' real KS2 results, before and after, against their families.
    measured = [line for r in closed for line in impact_for(r) if line.estimate is not None]
    assert len(measured) >= len(closed)
    assert all(line.after_period in ("2017/18", "2018/19") for line in measured)
    # Under way: one waiting for school-leader-b's agreement, one for the broker.
    leader_b = User.objects.get(username="school-leader-b").memberships.get().school
    assert requests.filter(status=HelpRequest.Status.SUGGESTED, supporter=leader_b).exists()
    assert requests.filter(status=HelpRequest.Status.REQUESTED).exists()
    client = Client()
    client.post(reverse("login"), {"username": "partnership-lead", "password": "demo-password-for-tests"})
    assert client.get(reverse("help_summary")).status_code == 200


def test_the_demo_agency_offers_help_and_has_a_request_waiting_for_it(demo: str) -> None:
    from evenbetter.support.models import HelpRequest, SupportOffer

    assert SupportOffer.objects.filter(agency__isnull=False, is_generated=True).count() == 2
    addressed = HelpRequest.objects.get(supporter_agency__isnull=False)
    assert addressed.status == HelpRequest.Status.SUGGESTED and addressed.is_generated
    assert addressed.supporter_agency is not None
    assert addressed.supporter_agency.members.filter(user__username="partner-agency").exists()
    client = Client()
    client.post(reverse("login"), {"username": "partner-agency", "password": "demo-password-for-tests"})
    home = client.get(reverse("home")).content.decode()
    assert "Requests for your service" in home and addressed.title in home


def test_the_demo_library_has_practice_from_schools_strong_in_its_area(demo: str) -> None:
    from evenbetter.practice.evidence import evidence_for
    from evenbetter.practice.models import PracticeItem
    from evenbetter.practice.search import search

    items = PracticeItem.objects.prefetch_related("areas", "schools")
    assert items.count() >= 15 and not items.filter(is_generated=False).exists()
    measured = [item for item in items if evidence_for(item)]
    assert len(measured) >= 5  # reading, writing, maths, attendance items cite real benchmarks
    assert (
        search(PracticeItem.objects.all(), "how do other schools get boys reading?")[0]
        == items.get(title="How our Year 5 boys started reading for pleasure").pk
    )


def test_the_demo_has_goals_judged_on_real_results_and_celebrates(demo: str) -> None:
    from evenbetter.goals.models import Celebration, Goal
    from evenbetter.goals.selectors import celebrations_visible_to, goal_progress

    goals = list(Goal.objects.select_related("indicator", "school", "partnership", "locality"))
    assert len(goals) >= 4 and all(goal.is_generated for goal in goals)
    assert {goal.school_id is not None for goal in goals} == {True, False}  # a school's and shared ones
    statuses = {goal_progress(goal).status.status for goal in goals}
    assert {"met", "behind"} <= statuses, statuses  # judged on the real KS2 results since 2016/17
    met = {goal.pk for goal in goals if goal_progress(goal).status.status == "met"}
    assert set(Celebration.objects.filter(kind="goal_met").values_list("goal_id", flat=True)) == met
    leader = User.objects.get(username="school-leader")
    assert any(c.kind == "goal_met" for c in celebrations_visible_to(leader, near=True))
    client = Client()
    client.force_login(leader)
    assert "Celebrating" in client.get(reverse("home")).content.decode()


def test_the_demo_leaves_no_refresh_to_do_and_its_figures_fresh(demo: str) -> None:
    """The demo computes every derived figure itself: the refresh its imports asked for is recorded
    as done by it (no worker spends a minute doing it again), and the figures are as at then."""
    from django_tasks_db.models import DBTaskResult

    from evenbetter.indicators.models import ImportRun
    from evenbetter.jobs.models import Job
    from evenbetter.jobs.selectors import freshness

    (refresh,) = Job.objects.filter(kind="refresh")
    assert (refresh.status, refresh.step) == (Job.Status.SUCCEEDED, "done by the demo build")
    assert refresh.requests == ImportRun.objects.filter(refresh_jobs=refresh).count() > 1  # every import's request
    assert not DBTaskResult.objects.ready().exists()  # nothing left for a worker
    assert freshness() == freshness().__class__(as_at=refresh.finished_at, new_data_at=None, updating=False)


def test_the_demo_has_concerns_that_the_early_warning_reads(demo: str) -> None:
    from evenbetter.concerns.models import Concern
    from evenbetter.indicators.models import Observation

    concerns = Concern.objects.filter(is_generated=True)
    assert concerns.count() == 3 and not Concern.objects.filter(is_generated=False).exists()
    head_school = Membership.objects.get(user__username="school-leader", role=Role.SCHOOL_LEADER).school
    assert concerns.filter(school=head_school, status=Concern.Status.OPEN).count() == 1
    neighbour = concerns.exclude(school=head_school).values_list("school", flat=True).distinct().get()
    measured = Observation.objects.filter(indicator__code="concerns_term", school_id=neighbour).order_by("-period")
    assert measured.first().value == 2  # the trigger's threshold: the watch list shows it fired
