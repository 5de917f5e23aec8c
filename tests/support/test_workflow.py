"""Brokerage: which step may be taken from which status and by whom, both ways; the whole
loop through the services with its e-mails; a refused step or a wrong form changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from evenbetter.support import services
from evenbetter.support.models import HelpRequest, SupportEvent
from evenbetter.support.workflow import StepRefused, check

pytestmark = pytest.mark.django_db

Status = HelpRequest.Status

# Declared here by hand, not read from the code: the statuses each step starts from ...
STARTS_FROM = {
    "suggest": {"requested"},
    "decline": {"suggested"},
    "agree": {"suggested"},
    "log": {"agreed", "in_progress"},
    "review": {"in_progress"},
    "close": {"reviewed"},
    "withdraw": {"requested", "suggested", "agreed"},
}
# ... and who may take it, for a request by school A (Alton cluster) that school B helps.
TAKEN_BY = {
    "suggest": {"system_lead", "partnership_lead"},
    "decline": {"system_lead", "partnership_lead", "school_leader_b"},
    "agree": {"school_leader_a", "school_leader_b"},
    "log": {"school_leader_a", "school_leader_b"},
    "review": {"school_leader_a", "school_leader_b"},
    "close": {"system_lead", "partnership_lead", "school_leader_a"},
    "withdraw": {"system_lead", "partnership_lead", "school_leader_a"},
}
PEOPLE = [
    "system_lead",
    "partnership_lead",
    "school_leader_a",
    "school_leader_b",
    "governor",
    "partner_agency",
    "outsider",
]
ALL_STATUSES = [s.value for s in Status]
CASES = [(step, status) for step in STARTS_FROM for status in ALL_STATUSES]


def _request(school: School, supporter: School | None = None, status: str = Status.REQUESTED) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school, supporter=supporter, status=status, area="reading", title="Phonics in Year 1",
        description="Our phonics screening check fell two years running.",
    )  # fmt: skip


@pytest.mark.parametrize(("step", "status"), CASES, ids=[f"{s}-from-{st}" for s, st in CASES])
def test_each_step_is_taken_only_from_its_statuses_and_by_its_people(
    request: pytest.FixtureRequest, school_a: School, school_b: School, step: str, status: str
) -> None:
    help_request = _request(school_a, supporter=school_b, status=status)
    for persona in PEOPLE:
        user: User = request.getfixturevalue(persona)
        allowed = status in STARTS_FROM[step] and persona in TAKEN_BY[step]
        if allowed:
            assert check(step, user, help_request), (persona, step, status)
        else:
            with pytest.raises(StepRefused):
                check(step, user, help_request)


def test_the_whole_loop_through_the_services_with_an_email_at_each_step(
    school_a: School,
    school_b: School,
    partnership_lead: User,
    school_leader_a: User,
    school_leader_b: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    help_request = services.help_request_create(
        school=school_a, created_by=school_leader_a, area="reading", title="Phonics in Year 1",
        description="Our phonics check fell.", urgency="this_term", kind="visit", visibility="anonymous",
        on_behalf=False,
    )  # fmt: skip

    def emailed(action: Callable[[], object]) -> set[str]:
        """Who was e-mailed when the step's transaction committed."""
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return {address for message in mail.outbox for address in message.to}

    to = emailed(lambda: services.help_request_suggest(
        help_request=help_request, by=partnership_lead, supporter=school_b
    ))  # fmt: skip
    assert to == {"school_leader_a@example.org", "school_leader_b@example.org"}
    help_request.refresh_from_db()
    assert help_request.status == Status.SUGGESTED and help_request.supporter == school_b

    with pytest.raises(StepRefused, match="objectives"):
        services.help_request_agree(help_request=help_request, by=school_leader_b, objectives="  ")
    to = emailed(lambda: services.help_request_agree(
        help_request=help_request, by=school_leader_b, objectives="Observe phonics\nRetrain two teachers"
    ))  # fmt: skip
    assert to == {"school_leader_a@example.org", "partnership_lead@example.org"}
    help_request.refresh_from_db()
    assert help_request.status == Status.SUGGESTED  # one school has agreed, not both
    with pytest.raises(StepRefused, match="already agreed"):
        services.help_request_agree(help_request=help_request, by=school_leader_b)
    services.help_request_agree(help_request=help_request, by=school_leader_a)
    help_request.refresh_from_db()
    assert help_request.status == Status.AGREED
    assert help_request.objective_lines == ["Observe phonics", "Retrain two teachers"]

    today = timezone.localdate()
    with pytest.raises(StepRefused, match="future"):
        services.engagement_log(
            help_request=help_request,
            by=school_leader_b,
            on=today + dt.timedelta(days=3),
            kind="visit",
            days=Decimal(1),
        )
    services.engagement_log(help_request=help_request, by=school_leader_b, on=today, kind="visit", days=Decimal("1.5"))
    services.engagement_log(help_request=help_request, by=school_leader_a, on=today, kind="call", days=Decimal("0.5"))
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS
    assert help_request.days_given == 2.0

    services.review_record(
        help_request=help_request,
        by=school_leader_a,
        benefit=4,
        objectives_met="partly",
        what_changed="Phonics lessons",
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS  # waiting for the other school's review
    with pytest.raises(StepRefused, match="already reviewed"):
        services.review_record(
            help_request=help_request, by=school_leader_a, benefit=5, objectives_met="yes", what_changed="Again"
        )
    with pytest.raises(StepRefused):
        services.help_request_close(help_request=help_request, by=partnership_lead)
    services.review_record(
        help_request=help_request, by=school_leader_b, benefit=3, objectives_met="partly", what_changed="We learnt too"
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.REVIEWED
    services.help_request_close(help_request=help_request, by=partnership_lead)
    help_request.refresh_from_db()
    assert help_request.status == Status.CLOSED and help_request.closed_at is not None
    steps = list(help_request.events.values_list("step", "from_status", "to_status"))
    assert steps[0] == ("suggest", "requested", "suggested")
    assert steps[-1] == ("close", "reviewed", "closed")
    assert [s for s, _, _ in steps].count("log") == 2


def test_a_declined_suggestion_goes_back_to_the_broker(
    school_a: School, school_b: School, partnership_lead: User, school_leader_b: User
) -> None:
    help_request = _request(school_a)
    services.help_request_suggest(help_request=help_request, by=partnership_lead, supporter=school_b)
    services.help_request_decline(help_request=help_request, by=school_leader_b, note="No capacity this term")
    help_request.refresh_from_db()
    assert help_request.status == Status.REQUESTED and help_request.supporter is None
    # Declined, school B no longer plays any part: it cannot agree.
    with pytest.raises(StepRefused):
        check("agree", school_leader_b, help_request)


def test_a_school_is_never_suggested_to_help_itself(school_a: School, partnership_lead: User) -> None:
    help_request = _request(school_a)
    with pytest.raises(StepRefused, match="itself"):
        services.help_request_suggest(help_request=help_request, by=partnership_lead, supporter=school_a)
    help_request.refresh_from_db()
    assert help_request.status == Status.REQUESTED and not SupportEvent.objects.exists()


def test_refused_and_wrong_steps_on_the_web_change_nothing(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    help_request = _request(school_a, supporter=school_b, status=Status.SUGGESTED)
    url = reverse("help_request_step", args=[help_request.pk, "agree"])
    # Not involved: the governor of another school never sees it; school A's governor sees
    # the support but takes no step; a partner agency does not find it.
    assert client_for("partner_agency").post(url, {"agree-objectives": "x"}).status_code == 404
    assert client_for("outsider").post(url, {"agree-objectives": "x"}).status_code == 404
    response = client_for("governor").post(url, {"agree-objectives": "x"}, follow=True)
    assert b"Nothing was changed" in response.content
    assert client_for("anonymous").post(url, {"agree-objectives": "x"}).status_code == 302
    assert client_for("school_leader_b").get(url).status_code == 405
    # A step from the wrong status is refused with the reason.
    response = client_for("school_leader_a").post(
        reverse("help_request_step", args=[help_request.pk, "close"]), {"close-note": ""}, follow=True
    )
    assert b"Nothing was changed" in response.content and b"reviewed" in response.content
    # A wrong form: a log with no days.
    log = reverse("help_request_step", args=[help_request.pk, "log"])
    assert client_for("school_leader_b").post(log, {"log-on": "not a date", "log-kind": "visit"}).status_code == 400
    help_request.refresh_from_db()
    assert help_request.status == Status.SUGGESTED
    assert help_request.requester_agreed_at is None and help_request.supporter_agreed_at is None
    assert not help_request.engagements.exists() and not SupportEvent.objects.exists()
    # The step that is allowed goes through.
    response = client_for("school_leader_b").post(url, {"agree-objectives": "Observe phonics"}, follow=True)
    assert response.status_code == 200
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is not None and help_request.objectives == "Observe phonics"


def test_the_suggested_supporter_sees_the_request_and_who_asked_even_if_anonymous(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    help_request = HelpRequest.objects.create(
        school=school_a, area="reading", title="Quiet request", description="Help.",
        visibility=HelpRequest.Visibility.BROKER_ONLY,
    )  # fmt: skip
    detail = reverse("help_request_detail", args=[help_request.pk])
    assert client_for("school_leader_b").get(detail).status_code == 404
    help_request.supporter = school_b
    help_request.status = Status.SUGGESTED
    help_request.save()
    response = client_for("school_leader_b").get(detail)
    assert response.status_code == 200 and school_a.name.encode() in response.content
    assert b"Agree the support" in response.content


def test_the_history_reads_when_who_took_a_step_is_no_longer_here(
    client_for: Callable[[str], Client], school_a: School, school_b: School, partnership_lead: User
) -> None:
    help_request = _request(school_a)
    services.help_request_suggest(help_request=help_request, by=partnership_lead, supporter=school_b)
    SupportEvent.objects.update(by=None)  # e.g. the broker's account was deleted
    response = client_for("system_lead").get(reverse("help_request_detail", args=[help_request.pk]))
    assert response.status_code == 200
    assert b"someone no longer here: suggest" in response.content
