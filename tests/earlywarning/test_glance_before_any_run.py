"""At a glance and the home page before the first early-warning run: they say plainly that no
run exists yet (and a system lead how to start one), and never invite an answer to nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

HOW_TO_START = "manage.py earlywarning score"


def _glance(client: Client, school: School) -> str:
    html = client.get(reverse("school_detail_by_id", args=[school.pk])).content.decode()
    return html.split('id="glance-risk-heading"')[1].split("</div>")[0]


def _home_panel(client: Client) -> str:
    return client.get(reverse("home")).content.decode().split('id="early-warning-heading"')[1].split("</section>")[0]


def test_before_any_run_no_one_is_asked_to_answer(client_for: Callable[[str], Client], school_a: School) -> None:
    for persona in ("school_leader_a", "governor", "system_lead", "partnership_lead"):
        glance = _glance(client_for(persona), school_a)
        assert "No early-warning run exists yet" in glance, persona
        assert "not answered" not in glance and "answer</a>" not in glance, persona


def test_only_a_system_lead_is_told_how_to_start_one(client_for: Callable[[str], Client], school_a: School) -> None:
    assert HOW_TO_START in _glance(client_for("system_lead"), school_a)
    assert HOW_TO_START in _home_panel(client_for("system_lead"))
    for persona in ("school_leader_a", "partnership_lead"):
        assert HOW_TO_START not in _glance(client_for(persona), school_a), persona
        assert HOW_TO_START not in _home_panel(client_for(persona)), persona
        assert "No early-warning run exists yet" in _home_panel(client_for(persona)), persona


def test_a_school_left_out_of_the_run_is_not_asked_to_answer(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    make_risk_run([(school_b, 0.6, None, "high")])
    glance = _glance(client_for("school_leader_a"), school_a)
    assert "no score in the latest run" in glance
    assert "not answered" not in glance and "and answer" not in glance


def test_a_scored_school_is_still_invited_to_answer(client_for: Callable[[str], Client], school_a: School) -> None:
    make_risk_run([(school_a, 0.6, None, "high")])
    glance = _glance(client_for("school_leader_a"), school_a)
    assert "The school has not answered yet." in glance and "See the reasons and answer" in glance
    assert "No early-warning run" not in glance
