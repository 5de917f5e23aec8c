"""A flood of answers from one address is refused once past the rate (counted in the shared
cache), with a clear message and nothing written; other surveys and other addresses go on."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from evenbetter.voice.models import PulseAnswer

from .conftest import open_survey

pytestmark = pytest.mark.django_db


def _send(survey_token: str, questions: list[str], address: str) -> int:
    # A new client each time, as a script posting without keeping cookies would.
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("survey_answer", args=[survey_token]), dict.fromkeys(questions, "agree")).status_code


@override_settings(EVENBETTER_PULSE_ANSWER_RATE="3/hour")
def test_a_flood_from_one_address_is_limited(
    school_leader_a: User, school_a: School, school_b: School, system_lead: User
) -> None:
    cache.clear()
    survey = open_survey(school_leader_a, school_a, audience="staff")
    other = open_survey(system_lead, school_b, audience="staff")
    assert [_send(survey.token, survey.questions, "198.51.100.1") for _ in range(5)] == [200, 200, 200, 429, 429]
    assert PulseAnswer.objects.filter(survey=survey).count() == 3
    refused = Client(REMOTE_ADDR="198.51.100.1").post(
        reverse("survey_answer", args=[survey.token]), dict.fromkeys(survey.questions, "agree")
    )
    assert "Too many answers from this connection" in refused.content.decode()
    assert "your answers were not kept" in refused.content.decode().lower()
    # Another address, and another survey from the same address, are not held back.
    assert _send(survey.token, survey.questions, "198.51.100.2") == 200
    assert _send(other.token, other.questions, "198.51.100.1") == 200
    assert PulseAnswer.objects.count() == 5


@override_settings(EVENBETTER_PULSE_ANSWER_RATE="1/hour")
def test_a_form_with_errors_does_not_count_against_the_rate(school_leader_a: User, school_a: School) -> None:
    cache.clear()
    survey = open_survey(school_leader_a, school_a, audience="staff")
    client = Client(REMOTE_ADDR="198.51.100.3")
    assert client.post(reverse("survey_answer", args=[survey.token]), {}).status_code == 400
    assert _send(survey.token, survey.questions, "198.51.100.3") == 200
