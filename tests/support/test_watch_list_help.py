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


def test_the_watch_list_exports_what_it_shows_to_whom_it_shows_it(
    client_for: Callable[[str], Client], school_a: School, school_c: School, school_b: School
) -> None:
    import io

    from openpyxl import load_workbook

    from evenbetter.accounts.models import AuditEvent

    make_risk_run([(school_a, 0.7, 0.4, "high"), (school_b, 0.6, 0.5, "raised")])
    HelpRequest.objects.create(school=school_a, area="attendance", title="Absence", description=".", status="agreed")
    lead = client_for("partnership_lead").get(reverse("watch_list"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(lead.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == [school_a.name]  # school B is not in the lead's partnership
    assert rows[1][4] == "High" and rows[1][-1] == "Attendance: Agreed"
    system = client_for("system_lead").get(reverse("watch_list"), {"format": "csv"}).content.decode("utf-8-sig")
    assert school_b.name in system and school_a.name in system
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2
    assert client_for("school_leader_a").get(reverse("watch_list"), {"format": "csv"}).status_code == 403
