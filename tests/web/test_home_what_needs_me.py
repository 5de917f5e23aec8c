"""Each role's home page answers "what needs me today?": help waiting for me, actions due,
the early warning and answers, schools newly on the watch list, imports and jobs — in that order, before
the role's own panel and the practice library — each showing only what the reader may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.earlywarning.models import RiskResponse
from evenbetter.jobs.models import Job
from evenbetter.partnerships.models import Action
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

ORDER = [
    "HelpWaitingForYou",
    "ActionsDueForYou",
    "EarlyWarningAndAnswers",
    "NewlyOnTheWatchList",
    "ImportsAndJobs",
    "SystemLeadPanel",
    "Celebrating",
    "FromTheLibrary",
]


def _home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _panels(client: Client) -> list[str]:
    return [type(shown.panel).__name__ for shown in client.get(reverse("home")).context["panels"]]


def test_a_system_lead_sees_what_needs_them_in_order_before_the_library(client_for: Callable[[str], Client]) -> None:
    assert _panels(client_for("system_lead")) == ORDER


@pytest.mark.parametrize(
    ("persona", "panels"),
    [
        (
            "school_leader_a",
            ["HelpWaitingForYou", "ActionsDueForYou", "EarlyWarningAndAnswers", "OpenSurveys", "SchoolLeaderPanel"],
        ),
        (
            "partnership_lead",
            [
                "HelpWaitingForYou",
                "ActionsDueForYou",
                "EarlyWarningAndAnswers",
                "NewlyOnTheWatchList",
                "PartnershipLeadPanel",
            ],
        ),
        ("governor", ["EarlyWarningAndAnswers", "GovernorPanel"]),
        # Its agency's requests, and the actions given to it (none here, but it may be given some).
        ("partner_agency", ["RequestsForYourService", "ActionsDueForYou", "PartnerAgencyPanel"]),
    ],
)
def test_each_role_has_the_questions_that_are_its_own(
    persona: str, panels: list[str], client_for: Callable[[str], Client]
) -> None:
    assert _panels(client_for(persona)) == [*panels, "Celebrating", "FromTheLibrary"]


def _help_request(school: School, **fields: object) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school, area="reading", title=fields.pop("title", "Phonics in year 1"), description="…", **fields
    )


def test_a_request_waits_for_its_broker_then_for_the_school_asked_to_help(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    request = _help_request(school_b, title="Help with phonics")
    assert "Help with phonics" in _home(client_for("system_lead"))
    assert "suggest a school to help" in _home(client_for("system_lead"))
    assert "Help with phonics" not in _home(client_for("school_leader_a"))  # not theirs to act on
    assert "Help with phonics" not in _home(client_for("school_leader_b"))  # waits for the broker, not them

    request.status, request.supporter = HelpRequest.Status.SUGGESTED, school_a
    request.save()
    helper = _home(client_for("school_leader_a"))
    assert "Help with phonics" in helper and "agree the support" in helper
    assert "withdraw" not in helper.lower().split("help waiting for you")[1].split("</section>")[0]


def test_an_anonymous_request_does_not_name_its_school_to_the_school_asked_to_help(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    _help_request(
        school_b,
        title="Quiet help",
        visibility=HelpRequest.Visibility.ANONYMOUS,
        status=HelpRequest.Status.SUGGESTED,
        supporter=school_a,
    )
    html = _home(client_for("school_leader_a"))
    waiting = html.split('id="help-waiting-heading"')[1].split("</section>")[0]
    assert "Quiet help" in waiting
    # The school suggested to help is told who asked (support.selectors.shows_who_asked).
    assert "Ash Grange" in waiting


def _action(school: School, due_in_days: int, title: str, **fields: object) -> Action:
    today = timezone.localdate()
    return Action.objects.create(
        title=title, owner_school=school, agreed_on=today - dt.timedelta(days=30),
        due_on=today + dt.timedelta(days=due_in_days), **fields,
    )  # fmt: skip


def test_actions_due_are_the_readers_own_open_ones_due_within_two_weeks(
    client_for: Callable[[str], Client], school_a: School, school_b: School, alton_cluster: Partnership
) -> None:
    _action(school_a, -3, "Write the reading plan")
    _action(school_a, 5, "Visit Anstey's year 2")
    _action(school_a, 40, "Termly review")
    _action(school_a, -1, "Already done", status=Action.Status.DONE)
    _action(school_b, 2, "Ash Grange's own action")
    html = _home(client_for("school_leader_a"))
    due = html.split('id="actions-due-heading"')[1].split("</section>")[0]
    assert "Write the reading plan" in due and "Visit Anstey" in due
    assert "Termly review" not in due and "Already done" not in due and "Ash Grange" not in due
    assert "(one overdue)" in due and "Two actions" in due
    assert "overdue</span> was due on" in due
    assert "Write the reading plan" not in _home(client_for("school_leader_b"))


def test_concerns_ask_the_school_leader_to_answer_until_they_have(
    client_for: Callable[[str], Client],
    school_a: School,
    school_b: School,
    school_leader_a: User,
    django_capture_on_commit_callbacks,
) -> None:
    run = make_risk_run([(school_b, 0.6, None, "high"), (school_a, 0.3, None, "raised")])
    html = _home(client_for("school_leader_a"))
    concerns = html.split('id="early-warning-heading"')[1].split("</section>")[0]
    assert "Alton Infant School" in concerns and "raised" in concerns and "It waits for your answer" in concerns
    assert "Ash Grange" not in html  # never another school's risk
    # Reading it on the home page is a view of risk, audited like the risk page's.
    assert AuditEvent.objects.filter(
        user=school_leader_a, action=AuditEvent.Action.RISK_VIEW, school=school_a, detail__via="home"
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):  # committed, as every answer saved is
        RiskResponse.objects.create(school=school_a, score=run.scores.get(school=school_a), text="New head since May.")
    answered = _home(client_for("school_leader_a")).split('id="early-warning-heading"')[1].split("</section>")[0]
    assert "The school answered on" in answered and "It waits for your answer" not in answered


def test_a_governor_sees_the_concern_but_the_leaders_answer_it(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    make_risk_run([(school_a, 0.3, None, "raised")])
    concerns = _home(client_for("governor")).split('id="early-warning-heading"')[1].split("</section>")[0]
    assert "raised" in concerns and "The school's leaders have not answered yet." in concerns


def test_a_lead_sees_the_answers_schools_gave_on_their_watch_list_only(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    make_risk_run([(school_b, 0.6, None, "high"), (school_a, 0.3, None, "raised")])
    RiskResponse.objects.create(school=school_a, text="Alton: a new head since May.")
    RiskResponse.objects.create(school=school_b, text="Ash Grange: staffing settled.")
    lead = _home(client_for("partnership_lead"))
    assert "Alton: a new head since May." in lead and "Ash Grange: staffing settled." not in lead
    system = _home(client_for("system_lead"))
    assert "Alton: a new head since May." in system and "Ash Grange: staffing settled." in system


def test_newly_on_the_watch_list_are_the_schools_raised_now_and_not_before(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School, system_lead: User
) -> None:
    make_risk_run([(school_b, 0.5, None, "high"), (school_a, 0.1, None, "usual"), (school_c, 0.4, None, "raised")])
    make_risk_run([(school_b, 0.6, 0.5, "high"), (school_a, 0.3, 0.1, "raised"), (school_c, 0.2, 0.4, "usual")])
    system = _home(client_for("system_lead")).split('id="newly-watched-heading"')[1].split("</section>")[0]
    assert "Alton Infant School" in system  # raised now, usual before
    assert "Ash Grange" not in system  # high both times: not new
    assert "Anstey" not in system  # usual now
    assert set(
        AuditEvent.objects.filter(user=system_lead, detail__via="home", action=AuditEvent.Action.RISK_VIEW).values_list(
            "school__urn", flat=True
        )
    ) == {school_a.urn}
    assert "Newly on the watch list" not in _home(client_for("school_leader_a"))


def test_a_partnership_lead_sees_only_their_own_schools_newly_on_the_watch_list(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    make_risk_run([(school_b, 0.6, None, "high"), (school_a, 0.3, None, "raised")])  # the first run: all new
    newly = _home(client_for("partnership_lead")).split('id="newly-watched-heading"')[1].split("</section>")[0]
    assert "Alton Infant School" in newly and "Ash Grange" not in newly


def test_a_failed_job_and_the_latest_imports_are_for_system_leads(client_for: Callable[[str], Client]) -> None:
    Job.objects.create(
        kind="refresh", status=Job.Status.FAILED, error="Benchmarks: out of memory", finished_at=timezone.now()
    )
    Job.objects.create(
        kind="refresh",
        status=Job.Status.FAILED,
        error="A month ago",
        finished_at=timezone.now() - dt.timedelta(days=30),
    )
    system = _home(client_for("system_lead")).split('id="imports-jobs-heading"')[1].split("</section>")[0]
    assert "Benchmarks: out of memory" in system and "A month ago" not in system
    assert "gias_sample.csv" in system  # the register the fixtures imported
    assert "Imports and jobs" not in _home(client_for("partnership_lead"))


def test_a_usual_band_asks_nothing_but_leaves_the_way_to_answer_open(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    make_risk_run([(school_a, 0.05, None, "usual")])
    risk_page = reverse("school_risk", args=[school_a.pk])
    leader = _home(client_for("school_leader_a")).split('id="early-warning-heading"')[1].split("</section>")[0]
    assert "nothing waits for you" in leader and f'{risk_page}#responses-heading">See why, and add' in leader
    governor = _home(client_for("governor")).split('id="early-warning-heading"')[1].split("</section>")[0]
    assert "nothing waits for you" in governor and "add the school's answer" not in governor  # read-only


@pytest.mark.parametrize(
    ("persona", "place"),
    [("school_leader_a", "school_a"), ("governor", "school_a"), ("partnership_lead", "alton_cluster"),
     ("locality_lead", "east_hampshire")],
)  # fmt: skip
def test_the_welcome_line_links_to_the_readers_own_place(
    client_for: Callable[[str], Client], request: pytest.FixtureRequest, persona: str, place: str
) -> None:
    target = request.getfixturevalue(place)
    lead = _home(client_for(persona)).split('class="lead"')[1].split("</p>")[0]
    assert f'<a href="{target.get_absolute_url()}">{target}</a>' in lead


def test_the_kept_newly_watched_list_follows_a_new_risk_run(
    client_for: Callable[[str], Client],
    school_a: School,
    school_b: School,
    school_c: School,
    django_capture_on_commit_callbacks,
) -> None:
    # The list is kept in the figures cache (a system lead's reads the whole run): a new run
    # is read afresh, and the partnership lead's kept list is never the system lead's.
    make_risk_run([(school_b, 0.5, None, "high"), (school_a, 0.1, None, "usual"), (school_c, 0.4, None, "usual")])
    system = client_for("system_lead")

    def newly(client: Client) -> str:
        return _home(client).split('id="newly-watched-heading"')[1].split("</section>")[0]

    assert "Ash Grange" in newly(system) and "Alton Infant School" not in newly(system)
    with django_capture_on_commit_callbacks(execute=True):  # committed, as every run saved is
        make_risk_run([(school_b, 0.6, 0.5, "high"), (school_a, 0.3, 0.1, "raised"), (school_c, 0.2, 0.4, "usual")])
    assert "Alton Infant School" in newly(system) and "Ash Grange" not in newly(system)
    lead = newly(client_for("partnership_lead"))
    assert "Alton Infant School" in lead and "Ash Grange" not in lead


def _register_counts(client: Client) -> dict[str, object]:
    shown = next(
        s for s in client.get(reverse("home")).context["panels"] if type(s.panel).__name__ == "SystemLeadPanel"
    )
    return {key: shown.context["panel"][key] for key in ("open_schools", "closed_schools", "by_phase", "by_ofsted")}


def test_the_system_s_counts_are_kept_until_the_register_changes(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    first = _register_counts(client)
    open_now = School.objects.exclude(status=School.Status.CLOSED)
    assert first["open_schools"] == open_now.count()
    assert first["closed_schools"] == School.objects.filter(status=School.Status.CLOSED).count()
    with CaptureQueriesContext(connection) as again:
        assert _register_counts(client) == first
    assert not [
        q["sql"] for q in again.captured_queries if "GROUP BY" in q["sql"] and 'AS "la_name"' in q["sql"]
    ]  # kept, not counted again
    # A school closes (saved as the register import and the admin save it: updated_at moves).
    closing = open_now.order_by("pk").first()
    assert closing is not None
    closing.status = School.Status.CLOSED
    closing.save()
    after = _register_counts(client)
    assert after["open_schools"] == first["open_schools"] - 1  # type: ignore[operator]
    assert after["closed_schools"] == first["closed_schools"] + 1  # type: ignore[operator]
    # A new school on the register (a new id), with a phase no other school has.
    School.objects.create(name="New Free School", urn=999001, phase="Sixteen plus", status=School.Status.OPEN)
    assert ("Sixteen plus", 1) in [(row["phase"], row["n"]) for row in _register_counts(client)["by_phase"]]  # type: ignore[attr-defined]
