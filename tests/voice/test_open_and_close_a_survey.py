"""Who may open and close a pulse survey (a school's leader for their school; a system lead for
many schools at once; nobody else), and what closing does: answers are refused with a clear
message and nothing written, and the results are asked to be kept as indicators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.jobs.models import Job
from evenbetter.schools.models import Locality, School
from evenbetter.voice.models import PulseAnswer, PulseSurvey
from tests.conftest import make_user

from .conftest import answer, open_survey

pytestmark = pytest.mark.django_db


def test_a_school_leader_opens_a_survey_for_their_own_school(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    client = client_for("school_leader_a")
    form = client.get(reverse("survey_create") + f"?school={school_a.pk}")
    assert form.status_code == 200 and "Alton Infant" in form.content.decode()
    opened = client.post(reverse("survey_create"), {"audience": "parents-carers", "schools": [school_a.pk]})
    survey = PulseSurvey.objects.get()
    assert opened.status_code == 302 and opened["Location"] == reverse("survey_detail", args=[survey.pk])
    assert (survey.school, survey.audience, survey.opened_by.username) == (
        school_a,
        "parents-carers",
        "school_leader_a",
    )
    assert survey.questions == ["happy", "healthy", "safe", "belonging", "listened_to"]
    page = client.get(opened["Location"]).content.decode()
    assert f"/s/{survey.token}/" in page and "<svg" in page  # the link and its QR code
    qr = client.get(reverse("survey_qr", args=[survey.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_a_school_leader_cannot_open_a_survey_for_another_school(
    client_for: Callable[[str], Client], school_b: School
) -> None:
    refused = client_for("school_leader_a").post(
        reverse("survey_create"), {"audience": "staff", "schools": [school_b.pk]}
    )
    assert refused.status_code == 400
    assert "not one of the available choices" in refused.content.decode()
    assert not PulseSurvey.objects.exists()


@pytest.mark.parametrize("persona", ["partnership_lead", "governor", "partner_agency", "outsider"])
def test_only_leaders_of_a_school_and_system_leads_run_surveys(
    persona: str, client_for: Callable[[str], Client], school_a: School
) -> None:
    client = client_for(persona)
    assert client.get(reverse("survey_list")).status_code == 403
    assert client.post(reverse("survey_create"), {"audience": "staff", "schools": [school_a.pk]}).status_code == 403
    assert not PulseSurvey.objects.exists()


def test_a_system_lead_ticks_many_schools_at_once(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School
) -> None:
    schools = [school_a.pk, school_b.pk, school_c.pk]
    opened = client_for("system_lead").post(
        reverse("survey_create"), {"audience": "pupils-primary", "schools": schools}
    )
    assert opened.status_code == 302
    assert sorted(PulseSurvey.objects.values_list("school_id", flat=True)) == sorted(schools)


@pytest.fixture
def many_schools(monkeypatch: pytest.MonkeyPatch) -> None:
    """More schools than fit as boxes to tick (a real system lead's thousands): URNs are typed."""
    monkeypatch.setattr("evenbetter.voice.forms.CHECKBOXES_UP_TO", 5)


@pytest.mark.usefixtures("many_schools")
def test_a_system_lead_opens_surveys_for_many_schools_at_once_by_urn(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    client = client_for("system_lead")
    assert 'name="urns"' in client.get(reverse("survey_create")).content.decode()
    opened = client.post(
        reverse("survey_create"), {"audience": "staff", "urns": f"{school_a.urn}, {school_b.urn}\n{school_a.urn}"}
    )
    assert opened.status_code == 302 and opened["Location"] == reverse("survey_list")
    surveys = PulseSurvey.objects.order_by("school__urn")
    assert [s.school for s in surveys] == [school_a, school_b]
    assert surveys[0].token != surveys[1].token


@pytest.mark.usefixtures("many_schools")
def test_an_unknown_urn_is_named_and_nothing_is_opened(client_for: Callable[[str], Client], school_a: School) -> None:
    answer_page = client_for("system_lead").post(
        reverse("survey_create"), {"audience": "staff", "urns": f"{school_a.urn} 999999 abc"}
    )
    assert answer_page.status_code == 400
    assert "Not a URN: abc" in answer_page.content.decode()
    answer_page = client_for("system_lead").post(
        reverse("survey_create"), {"audience": "staff", "urns": f"{school_a.urn} 999999"}
    )
    assert "has the URN 999999: nothing was opened" in answer_page.content.decode()
    assert not PulseSurvey.objects.exists()


def test_a_last_day_in_the_past_is_refused(client_for: Callable[[str], Client], school_a: School) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = client_for("school_leader_a").post(
        reverse("survey_create"), {"audience": "staff", "schools": [school_a.pk], "closes_on": yesterday}
    )
    assert page.status_code == 400 and "is in the past" in page.content.decode()
    assert not PulseSurvey.objects.exists()


def test_a_closed_survey_refuses_answers_with_a_clear_message(
    client_for: Callable[[str], Client],
    school_leader_a: User,
    school_a: School,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    survey = open_survey(school_leader_a, school_a)
    answer(survey, agreeing=3, total=3)
    # Someone opened the page before the close, and sends it after.
    respondent = Client()
    url = reverse("survey_answer", args=[survey.token])
    assert "Send my answers" in respondent.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        closed = client_for("school_leader_a").post(reverse("survey_close", args=[survey.pk]))
    assert closed.status_code == 302
    survey.refresh_from_db()
    assert survey.closed_at is not None and not survey.is_open()
    assert Job.objects.filter(kind="refresh", reason__contains="closed").exists()

    late = respondent.post(url, dict.fromkeys(survey.questions, "yes_a_lot"))
    assert late.status_code == 410
    assert "This survey has closed" in late.content.decode() and "your answers were not kept" in late.content.decode()
    assert PulseAnswer.objects.filter(survey=survey).count() == 3
    assert "This survey has closed" in Client().get(url).content.decode()


def test_a_survey_past_its_last_day_takes_no_answers(school_leader_a: User, school_a: School) -> None:
    survey = open_survey(school_leader_a, school_a)
    PulseSurvey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    late = Client().post(reverse("survey_answer", args=[survey.token]), dict.fromkeys(survey.questions, "no"))
    assert late.status_code == 410 and not PulseAnswer.objects.exists()


def test_only_those_who_run_the_school_surveys_close_them(
    client_for: Callable[[str], Client], school_leader_a: User, school_a: School
) -> None:
    survey = open_survey(school_leader_a, school_a)
    for persona in ("school_leader_b", "partnership_lead", "governor"):
        assert client_for(persona).post(reverse("survey_close", args=[survey.pk])).status_code == 403
        assert client_for(persona).get(reverse("survey_detail", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.closed_at is None
    assert client_for("system_lead").post(reverse("survey_close", args=[survey.pk])).status_code == 302


def test_the_tenth_answer_asks_for_the_results_to_be_kept(
    school_leader_a: User, school_a: School, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    survey = open_survey(school_leader_a, school_a)
    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, agreeing=9, total=9)
    assert not Job.objects.filter(reason__contains="reached 10").exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, agreeing=1, total=1)
    assert Job.objects.filter(kind="refresh", reason__contains="reached 10 answers").exists()


def test_the_home_page_lists_open_surveys_with_their_answers_so_far(
    client_for: Callable[[str], Client], school_leader_a: User, school_a: School, school_leader_b: User
) -> None:
    survey = open_survey(school_leader_a, school_a, audience="staff")
    answer(survey, agreeing=2, total=4)
    home = client_for("school_leader_a").get(reverse("home")).content.decode()
    assert "Pulse surveys open" in home and "Staff at Alton Infant School" in home and "four answers" in home
    other = client_for("school_leader_b").get(reverse("home")).content.decode()
    assert "No pulse survey of yours is open" in other and "Alton Infant School" not in other
    assert "Pulse surveys open" not in client_for("governor").get(reverse("home")).content.decode()
    # A system lead, who runs every school's surveys, is shown them while some are open.
    assert "Staff at Alton Infant School" in client_for("system_lead").get(reverse("home")).content.decode()
    survey.closed_at = timezone.now()
    survey.save()
    assert "Pulse surveys open" not in client_for("system_lead").get(reverse("home")).content.decode()


def test_a_locality_lead_runs_surveys_for_the_schools_of_its_locality_and_no_others(
    school_a: School, school_b: School, school_leader_b: User, east_hampshire: Locality
) -> None:
    make_user("locality_lead", Role.LOCALITY_LEAD, locality=east_hampshire)
    client = Client()
    client.force_login(User.objects.get(username="locality_lead"))
    assert school_a.localities.filter(pk=east_hampshire.pk).exists()
    assert not school_b.localities.filter(pk=east_hampshire.pk).exists()
    assert client.get(reverse("survey_list")).status_code == 200
    refused = client.post(reverse("survey_create"), {"audience": "staff", "schools": [school_b.pk]})
    assert refused.status_code == 400 and not PulseSurvey.objects.exists()
    opened = client.post(reverse("survey_create"), {"audience": "staff", "schools": [school_a.pk]})
    assert opened.status_code == 302
    survey = PulseSurvey.objects.get()
    assert client.get(reverse("survey_detail", args=[survey.pk])).status_code == 200
    other = open_survey(school_leader_b, school_b)
    assert client.get(reverse("survey_detail", args=[other.pk])).status_code == 403
    assert client.post(reverse("survey_close", args=[other.pk])).status_code == 403


def test_a_staff_member_sees_their_school_results_but_runs_no_survey_and_reads_no_words(
    client_for: Callable[[str], Client], school_leader_a: User, school_a: School
) -> None:
    survey = open_survey(school_leader_a, school_a, audience="staff")
    answer(survey, agreeing=6, total=10, comment="Too many meetings.")
    make_user("staff_member", Role.STAFF_MEMBER, school=school_a)
    client = Client()
    client.force_login(User.objects.get(username="staff_member"))
    section = client.get(reverse("school_section", args=[school_a.pk, "voice"])).content.decode()
    assert "60.0%" in section and "Too many meetings." not in section and "Run a pulse survey" not in section
    assert client.get(reverse("survey_list")).status_code == 403
    assert client.get(reverse("survey_detail", args=[survey.pk])).status_code == 403
    leader = client_for("school_leader_a").get(reverse("school_section", args=[school_a.pk, "voice"]))
    assert "Too many meetings." in leader.content.decode()
