"""A respondent answers through the public link with no account, and nothing that identifies
them is kept: no name, e-mail, address, user agent or cookie value in any row of any table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from evenbetter.voice.models import PulseAnswer

from .conftest import open_survey

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 14; AnonymityProbe-4711) Mobile"


def _every_row_as_text() -> str:
    """Every row of every table: the models' (Django's own included) and the shared cache's, where
    the answer throttle counts."""
    tables = [model._meta.db_table for model in apps.get_models(include_auto_created=True)]
    assert "evenbetter_cache" in connection.introspection.table_names()
    texts = []
    with connection.cursor() as cursor:
        for table in [*tables, "evenbetter_cache"]:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — the tables' own names
            texts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(texts)


def _choices(school_survey_questions: list[str], choice: str) -> dict[str, str]:
    return dict.fromkeys(school_survey_questions, choice)


def test_an_answer_is_kept_with_nothing_that_identifies_who_gave_it(school_leader_a: User, school_a: School) -> None:
    survey = open_survey(school_leader_a, school_a)
    respondent = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    url = reverse("survey_answer", args=[survey.token])
    page = respondent.get(url)
    assert page.status_code == 200
    assert "One answer per device is our best effort (a signed cookie)" in page.content.decode()

    sent = respondent.post(url, {**_choices(survey.questions, "yes_a_lot"), "comment": "More trips please."})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    cookie = sent.cookies[f"pulse-{survey.pk}"].value
    assert cookie

    answer = PulseAnswer.objects.get()
    assert {f.attname for f in PulseAnswer._meta.concrete_fields} == {"id", "survey_id", "choices", "comment"}
    assert answer.choices == dict.fromkeys(survey.questions, "yes_a_lot")
    assert answer.comment == "More trips please."
    everything = _every_row_as_text()
    assert "More trips please." in everything  # the dump does see the answer's own row,
    assert "throttle_pulse_answer" in everything  # and the throttle's count in the shared cache ...
    for trace in (ADDRESS, AGENT, "AnonymityProbe", cookie):
        assert trace not in everything  # ... and nowhere a trace of who sent it


def test_a_signed_in_person_answering_is_not_linked_to_their_answer(
    client_for: Callable[[str], Client], school_leader_a: User, school_a: School
) -> None:
    survey = open_survey(school_leader_a, school_a, audience="staff")
    governor = client_for("governor")
    sent = governor.post(reverse("survey_answer", args=[survey.token]), _choices(survey.questions, "agree"))
    assert sent.status_code == 200
    assert PulseAnswer.objects.count() == 1
    user = User.objects.get(username="governor")
    assert f"'{user.username}'" not in repr(list(PulseAnswer.objects.values_list()))


def test_the_same_device_cannot_answer_twice_and_is_told_why(school_leader_a: User, school_a: School) -> None:
    survey = open_survey(school_leader_a, school_a)
    respondent = Client()
    url = reverse("survey_answer", args=[survey.token])
    assert respondent.post(url, _choices(survey.questions, "no")).status_code == 200
    again = respondent.post(url, _choices(survey.questions, "yes_a_lot"))
    assert again.status_code == 409
    assert "already sent answers" in again.content.decode()
    assert (
        respondent.get(url).status_code == 200 and "You have already answered" in respondent.get(url).content.decode()
    )
    assert PulseAnswer.objects.count() == 1
    # A forged cookie is not the signed one: the device is asked as any other.
    stranger = Client()
    stranger.cookies[f"pulse-{survey.pk}"] = "answered"
    assert "Send my answers" in stranger.get(url).content.decode()


def test_an_unanswered_question_is_named_and_nothing_is_kept(school_leader_a: User, school_a: School) -> None:
    survey = open_survey(school_leader_a, school_a)
    partial = _choices(survey.questions[1:], "yes_a_bit")
    answer = Client().post(reverse("survey_answer", args=[survey.token]), partial)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Please choose an answer to this question." in html and "I feel happy at school." in html
    assert not PulseAnswer.objects.exists()
    off_scale = Client().post(
        reverse("survey_answer", args=[survey.token]), _choices(survey.questions, "strongly_agree")
    )
    assert off_scale.status_code == 400 and not PulseAnswer.objects.exists()


def test_a_wrong_link_is_not_found() -> None:
    assert Client().get(reverse("survey_answer", args=["not-a-survey"])).status_code == 404
