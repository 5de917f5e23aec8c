"""A partner agency acts in reaching out: it publishes an offer, a school addresses a request
to it, the agency agrees, logs time, reviews, and its impact is computed the same way as a
school supporter's; what its users may and may not see or do, both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.analytics.impact import BETTER
from evenbetter.benchmarks.models import FamilyMember
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.partnerships.models import Agency, AgencyMember
from evenbetter.schools.models import School
from evenbetter.support import services
from evenbetter.support.impact import impact_for, system_view
from evenbetter.support.models import Engagement, HelpRequest, SupportEvent, SupportOffer, SupportReview
from evenbetter.support.workflow import StepRefused
from evenbetter.vocabulary.periods import academic_year, academic_year_of, parse_period
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

Status = HelpRequest.Status


def _this_academic_year() -> int:
    return parse_period(academic_year_of(timezone.localdate()))[1].year


def _value(school: School, indicator: Indicator, year: int, value: float) -> None:
    Observation.objects.create(
        school=school, indicator=indicator, period=academic_year(year), period_start=dt.date(year, 9, 1), value=value
    )


@pytest.fixture
def absence_family(register: object, school_a: School) -> Indicator:
    """School A's overall absence fell from 7.0% to 4.0% from last year to this one; its six
    similar schools' fell by 0.5, 1.0, 1.5, 0.5, 1.0, 1.5 (mean 1.0). Lower is better."""
    absence = Indicator.objects.create(
        code="absence_overall", name="Overall absence", unit="%", direction="lower", domain="attendance",
        comparison="rate",
    )  # fmt: skip
    year = _this_academic_year()
    others = list(School.objects.exclude(pk=school_a.pk).order_by("urn")[:6])
    for rank, (member, fall) in enumerate(zip(others, [0.5, 1.0, 1.5, 0.5, 1.0, 1.5], strict=True), start=1):
        FamilyMember.objects.create(school=school_a, member=member, rank=rank, distance=rank / 10, weight_share=1)
        _value(member, absence, year - 1, 6.0)
        _value(member, absence, year, 6.0 - fall)
    _value(school_a, absence, year - 1, 7.0)
    _value(school_a, absence, year, 4.0)
    return absence


def _step(client: Client, help_request: HelpRequest, step: str, data: dict[str, str]) -> None:
    response = client.post(reverse("help_request_step", args=[help_request.pk, step]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_agency_receives_a_request_agrees_logs_time_reviews_and_its_impact_is_computed(
    client_for: Callable[[str], Client],
    absence_family: Indicator,
    school_a: School,
    early_help: Agency,
    partner_agency: User,
    school_leader_a: User,
) -> None:
    agency, school = client_for("partner_agency"), client_for("school_leader_a")
    # The agency publishes an offer with its capacity, the way a school does.
    offer_url = f"{reverse('support_offer_create')}?agency={early_help.pk}"
    assert agency.get(offer_url).status_code == 200
    response = agency.post(
        offer_url,
        {
            "agency": early_help.pk,
            "area": "attendance",
            "description": "Family work on attendance.",
            "days_per_term": "4",
        },
    )
    assert response.status_code == 302
    offer = SupportOffer.objects.get()
    assert (offer.agency, offer.school, offer.days_per_term) == (early_help, None, 4)

    # School A addresses a request to the agency directly; broker-only, so no other school sees it.
    create_url = f"{reverse('help_request_create')}?school={school_a.pk}"
    assert early_help.name in school.get(create_url).content.decode()
    response = school.post(
        create_url,
        {
            "area": "attendance", "title": "Persistent absence in Year 4", "description": "Six families.",
            "urgency": "this_term", "kind": "advice", "visibility": "broker_only", "agency": early_help.pk,
        },
    )  # fmt: skip
    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert (help_request.status, help_request.supporter_agency, help_request.supporter) == (
        Status.SUGGESTED,
        early_help,
        None,
    )
    assert list(help_request.events.values_list("step", "by")) == [("address", school_leader_a.pk)]

    # The agency's user sees it waiting on their home page, and who asked.
    home = agency.get(reverse("home")).content.decode()
    assert "Requests for your service" in home and "Persistent absence in Year 4" in home
    assert "agree the support" in home
    detail = agency.get(reverse("help_request_detail", args=[help_request.pk])).content.decode()
    assert school_a.name in detail

    # Agree (the agency writes the objectives), then the school agrees to them.
    _step(agency, help_request, "agree", {"agree-objectives": "Meet each family by half term"})
    _step(school, help_request, "agree", {})
    help_request.refresh_from_db()
    assert help_request.status == Status.AGREED

    # The agency logs time given, as an Engagement.
    today = timezone.localdate().isoformat()
    _step(agency, help_request, "log", {"log-on": today, "log-kind": "meeting", "log-days": "1.5"})
    engagement = Engagement.objects.get()
    assert (engagement.created_by, float(engagement.days)) == (partner_agency, 1.5)
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS

    # Both sides review; the agency's review is the supporter's.
    review = {"review-benefit": "4", "review-objectives_met": "yes", "review-what_changed": "Attendance plans."}
    _step(agency, help_request, "review", review)
    _step(school, help_request, "review", review)
    assert dict(SupportReview.objects.values_list("side", "created_by")) == {
        "supporter": partner_agency.pk,
        "requester": school_leader_a.pk,
    }
    _step(school, help_request, "close", {"close-note": "Done."})
    help_request.refresh_from_db()
    assert help_request.status == Status.CLOSED

    # Its impact: the school's absence against its family's, as for a school supporter. By
    # hand: the school fell 3.0, the family 1.0 on average: 2.0 points better (lower is better).
    [line] = impact_for(help_request)
    estimate = line.estimate
    assert estimate is not None
    assert estimate.comparison_schools == 6
    assert estimate.school_change == pytest.approx(-3.0)
    assert estimate.family_change == pytest.approx(-1.0)
    assert estimate.effect == pytest.approx(2.0)
    assert estimate.verdict == BETTER
    assert "What changed" in agency.get(reverse("help_request_detail", args=[help_request.pk])).content.decode()
    # And the brokers' view counts the agency among those who gave help.
    view = system_view(HelpRequest.objects.all())
    assert [(row["supporter"], row["days"]) for row in view["by_supporter"]] == [(early_help.name, 1.5)]  # type: ignore[index]


def test_an_agency_user_sees_only_the_requests_addressed_to_their_agency(
    client_for: Callable[[str], Client], school_a: School, school_b: School, early_help: Agency
) -> None:
    other_agency = Agency.objects.create(name="Educational psychology service", kind="educational_psychology")
    ours = HelpRequest.objects.create(
        school=school_b, area="send", title="Ours", description=".", status=Status.SUGGESTED,
        supporter_agency=early_help, visibility=HelpRequest.Visibility.BROKER_ONLY,
    )  # fmt: skip
    theirs = HelpRequest.objects.create(
        school=school_a, area="send", title="Theirs", description=".", status=Status.SUGGESTED,
        supporter_agency=other_agency,
    )  # fmt: skip
    named = HelpRequest.objects.create(school=school_a, area="reading", title="Named, no agency", description=".")
    agency = client_for("partner_agency")
    # School B is outside the agency's locality: the request addressed to it is still its to see.
    assert agency.get(reverse("help_request_detail", args=[ours.pk])).status_code == 200
    for hidden in (theirs, named):
        assert agency.get(reverse("help_request_detail", args=[hidden.pk])).status_code == 404
    listed = agency.get(reverse("help_list")).content.decode()
    assert "Ours" in listed and "Theirs" not in listed and "Named, no agency" not in listed
    # Another school does not see a broker-only request addressed to an agency.
    assert client_for("school_leader_a").get(reverse("help_request_detail", args=[ours.pk])).status_code == 404


def test_an_agency_user_never_sees_risk(
    client_for: Callable[[str], Client], school_a: School, early_help: Agency
) -> None:
    HelpRequest.objects.create(
        school=school_a, area="send", title="Ours", description=".", status=Status.SUGGESTED,
        supporter_agency=early_help,
    )  # fmt: skip
    agency = client_for("partner_agency")
    assert agency.get(reverse("school_risk", args=[school_a.pk])).status_code == 403
    assert agency.get(reverse("watch_list")).status_code == 403


def test_only_the_agency_asked_and_the_school_take_the_support_steps(
    school_a: School, early_help: Agency, partner_agency: User, school_leader_b: User, east_hampshire: object
) -> None:
    other = Agency.objects.create(name="School nursing", kind="school_nursing")
    colleague_elsewhere = make_user("nurse", Role.PARTNER_AGENCY, school=school_a)
    AgencyMember.objects.create(user=colleague_elsewhere, agency=other)
    help_request = HelpRequest.objects.create(
        school=school_a, area="send", title="SEND", description=".", status=Status.SUGGESTED,
        supporter_agency=early_help,
    )  # fmt: skip
    for stranger in (colleague_elsewhere, school_leader_b):
        with pytest.raises(StepRefused):
            services.help_request_agree(help_request=help_request, by=stranger, objectives="No")
    assert not SupportEvent.objects.exists()
    services.help_request_agree(help_request=help_request, by=partner_agency, objectives="Plan for each pupil")
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is not None and help_request.requester_agreed_at is None


def test_a_partner_agency_role_without_the_agency_is_not_its_user(
    school_a: School, school_b: School, early_help: Agency
) -> None:
    # Being recorded in the agency's team counts only with a partner-agency role: a school
    # leader recorded against an agency does not act for it.
    leader = make_user("leader_in_agency", Role.SCHOOL_LEADER, school=school_b)
    AgencyMember.objects.create(user=leader, agency=early_help)
    help_request = HelpRequest.objects.create(
        school=school_a, area="send", title="SEND", description=".", status=Status.SUGGESTED,
        supporter_agency=early_help,
    )  # fmt: skip
    with pytest.raises(StepRefused, match="someone from the agency asked"):
        services.help_request_agree(help_request=help_request, by=leader, objectives="x")
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is None


def test_a_decline_by_the_agency_returns_the_request_to_the_broker_and_emails_them(
    school_a: School,
    early_help: Agency,
    partner_agency: User,
    system_lead: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    help_request = services.help_request_create(
        school=school_a, created_by=system_lead, area="send", title="SEND", description=".",
        urgency="this_term", kind="advice", visibility="named", on_behalf=True, agency=early_help,
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_decline(help_request=help_request, by=partner_agency, note="No capacity this term.")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.supporter_agency) == (Status.REQUESTED, None)
    assert mail.outbox and system_lead.email in mail.outbox[0].to


def test_offers_for_an_agency_are_made_by_its_users_and_system_leads_only(
    client_for: Callable[[str], Client], early_help: Agency
) -> None:
    url = f"{reverse('support_offer_create')}?agency={early_help.pk}"
    data = {"agency": early_help.pk, "area": "attendance", "description": "Visits.", "days_per_term": "2"}
    for persona in ("school_leader_a", "partnership_lead", "governor", "outsider"):
        assert client_for(persona).post(url, data).status_code == 403
    assert not SupportOffer.objects.exists()
    assert client_for("partner_agency").post(url, {**data, "days_per_term": "0"}).status_code == 200  # too few
    assert not SupportOffer.objects.exists()
    assert client_for("system_lead").post(url, data).status_code == 302
    assert SupportOffer.objects.get().agency == early_help
    assert client_for("partner_agency").get(f"{reverse('support_offer_create')}?agency=x").status_code == 404


def test_a_request_addressed_to_an_agency_emails_its_users(
    school_a: School,
    early_help: Agency,
    partner_agency: User,
    school_leader_a: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_create(
            school=school_a, created_by=school_leader_a, area="send", title="SEND", description=".",
            urgency="this_term", kind="advice", visibility="named", on_behalf=False, agency=early_help,
        )  # fmt: skip
    [sent] = mail.outbox
    assert partner_agency.email in sent.to and school_leader_a.email not in sent.to
    assert "asked an agency or service to help" in sent.body


def test_a_request_can_be_addressed_only_to_an_agency_that_offers_help_or_works_with_the_school(
    client_for: Callable[[str], Client], school_a: School, early_help: Agency
) -> None:
    create_url = f"{reverse('help_request_create')}?school={school_a.pk}"
    # No agency offers help or works with school A yet: the form does not offer the choice.
    assert 'name="agency"' not in client_for("school_leader_a").get(create_url).content.decode()
    SupportOffer.objects.create(agency=early_help, area="attendance", description="Visits.", days_per_term=2)
    elsewhere = Agency.objects.create(name="A service elsewhere", kind="send")
    page = client_for("school_leader_a").get(create_url).content.decode()
    assert early_help.name in page and elsewhere.name not in page
    data = {
        "area": "send", "title": "SEND", "description": ".", "urgency": "this_term", "kind": "advice",
        "visibility": "named", "agency": elsewhere.pk,
    }  # fmt: skip
    refused = client_for("school_leader_a").post(create_url, data)
    assert refused.status_code == 200 and "valid choice" in refused.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_broker_suggests_an_agency_from_the_suggestions(
    client_for: Callable[[str], Client], school_a: School, early_help: Agency, partner_agency: User
) -> None:
    SupportOffer.objects.create(agency=early_help, area="attendance", description="Visits.", days_per_term=2)
    help_request = HelpRequest.objects.create(school=school_a, area="attendance", title="Absence", description=".")
    broker = client_for("system_lead")
    page = broker.get(reverse("help_request_detail", args=[help_request.pk])).content.decode()
    assert "Schools and services that could help" in page
    assert f'value="agency:{early_help.pk}"' in page
    assert "not measured by school results" in page
    _step(broker, help_request, "suggest", {"suggest-supporter": f"agency:{early_help.pk}"})
    help_request.refresh_from_db()
    assert (help_request.status, help_request.supporter_agency, help_request.supporter) == (
        Status.SUGGESTED,
        early_help,
        None,
    )
    assert client_for("partner_agency").get(reverse("help_request_detail", args=[help_request.pk])).status_code == 200


def test_the_school_page_names_the_agency_helping_to_those_who_follow_the_support(
    client_for: Callable[[str], Client], school_a: School, early_help: Agency
) -> None:
    HelpRequest.objects.create(
        school=school_a, area="send", title="SEND plans", description=".", status=Status.AGREED,
        supporter_agency=early_help,
    )  # fmt: skip
    profile = reverse("school_profile", args=[school_a.pk])
    assert (
        f"helped by {early_help.name}"
        in client_for("school_leader_a").get(school_a.get_absolute_url()).content.decode()
    )
    assert early_help.name in client_for("school_leader_a").get(profile).content.decode()
    # Another school sees the named request, not who helps.
    other = client_for("school_leader_b").get(profile)
    assert other.status_code == 200 and "SEND plans" in other.content.decode()
    assert early_help.name not in other.content.decode()
