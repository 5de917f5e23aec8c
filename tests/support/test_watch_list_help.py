"""The watch list shows help already under way, so a lead sees it before reaching out again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def test_open_help_shows_on_the_watch_list_and_closed_help_does_not(
    client_for: Callable[[str], Client], school_a: School, school_c: School
) -> None:
    make_risk_run([(school_a, 0.7, 0.4, "high"), (school_c, 0.5, 0.5, "medium")])
    HelpRequest.objects.create(
        school=school_a, area="attendance", title="Absence", description=".", status="in_progress",
        visibility="broker_only",
    )  # fmt: skip
    HelpRequest.objects.create(school=school_c, area="maths", title="Maths", description=".", status="closed")
    page = client_for("partnership_lead").get(reverse("watch_list"))
    rows = {score.school_id: score.open_help for score in page.context["scores"]}
    assert [r.get_area_display() for r in rows[school_a.pk]] == ["Attendance"]
    assert rows[school_c.pk] == []
    assert b"Attendance: in progress" in page.content
