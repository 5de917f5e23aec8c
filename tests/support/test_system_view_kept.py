"""The system view of help (the help summary, the dashboards' line of help) is kept until a
request, an event or days given change, and each reader keeps their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from evenbetter.support import impact
from evenbetter.support.models import Engagement, HelpRequest, SupportEvent

pytestmark = pytest.mark.django_db


def _asked(school: School, supporter: School | None = None, area: str = "reading") -> HelpRequest:
    return HelpRequest.objects.create(
        school=school, supporter=supporter, area=area, title="Help", description=".",
        status=HelpRequest.Status.IN_PROGRESS if supporter else HelpRequest.Status.REQUESTED,
    )  # fmt: skip


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the view was worked out rather than read back."""
    calls: list[int] = []
    real = impact._system_view

    def counted(requests: object) -> dict[str, object]:
        calls.append(1)
        return real(requests)  # type: ignore[arg-type]

    monkeypatch.setattr(impact, "_system_view", counted)
    return calls


def test_the_view_is_kept_until_a_support_record_changes(
    client_for: Callable[[str], Client], school_a: School, school_b: School, worked_out: list[int],
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    lead = client_for("system_lead")
    summary = lambda: lead.get(reverse("help_summary")).context["summary"]  # noqa: E731
    with django_capture_on_commit_callbacks(execute=True):
        ours = _asked(school_a, supporter=school_b)
    assert summary()["requests"] == 1
    assert summary()["requests"] == 1
    assert len(worked_out) == 1  # kept
    with django_capture_on_commit_callbacks(execute=True):
        Engagement.objects.create(help_request=ours, on=dt.date(2024, 2, 1), days=Decimal("1.5"))
    assert summary()["days_given"] == 1.5
    with django_capture_on_commit_callbacks(execute=True):
        SupportEvent.objects.create(help_request=ours, step="suggest", from_status="requested", to_status="x")
    summary()
    assert len(worked_out) == 3  # days given, then an event: worked out again each time
    with django_capture_on_commit_callbacks(execute=True):
        _asked(school_b)
    assert summary()["requests"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        ours.status = HelpRequest.Status.WITHDRAWN
        ours.save()
    assert summary()["requests"] == 1  # a withdrawn request is left out


def test_two_brokers_each_see_their_own_whoever_asks_first(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School
) -> None:
    _asked(school_a, supporter=school_b)  # in the partnership lead's cluster
    _asked(school_b, area="maths")  # not in it
    system = client_for("system_lead").get(reverse("help_summary")).context
    lead = client_for("partnership_lead").get(reverse("help_summary")).context
    assert system["summary"]["requests"] == 2
    assert lead["summary"]["requests"] == 1
    assert [row["area"] for row in lead["by_area"]] == ["Early reading and phonics"]
    # On the dashboard too (the line of help over the schools shown).
    lead_board = client_for("partnership_lead").get(reverse("dashboard"), {"locality": ""}).context["board"]
    system_board = client_for("system_lead").get(reverse("dashboard")).context["board"]
    assert lead_board.help["requests"] == 1
    assert system_board.help["requests"] == 2
