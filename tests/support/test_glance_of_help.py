"""The school page's glance of help: the requests still under way, as the reader may see them;
closed supports are not read at all (their rows and measured impact are for Reaching out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.test.client import RequestFactory

from evenbetter.pages.registry import panels_for
from evenbetter.schools.models import School
from evenbetter.support import panels
from evenbetter.support.models import HelpRequest

pytestmark = pytest.mark.django_db


def _glance(user: object, school: School) -> dict[str, object]:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    [glance] = [panel for panel in panels_for("glance", request, school) if type(panel.panel) is panels.GlanceHelp]
    return glance.context


def test_the_glance_lists_what_is_under_way_and_never_works_out_a_closed_supports_impact(
    client_for: Callable[[str], Client], school_a: School, school_b: School, system_lead: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    under_way = HelpRequest.objects.create(
        school=school_a, supporter=school_b, area="reading", title="Phonics", description=".",
        status=HelpRequest.Status.IN_PROGRESS,
    )  # fmt: skip
    HelpRequest.objects.create(
        school=school_a, supporter=school_b, area="maths", title="Fractions", description=".",
        status=HelpRequest.Status.CLOSED, agreed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        closed_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    gives = HelpRequest.objects.create(
        school=school_b, supporter=school_a, area="maths", title="Times tables", description=".",
        status=HelpRequest.Status.IN_PROGRESS,
    )  # fmt: skip

    def refused(help_request: HelpRequest) -> list[object]:
        raise AssertionError(f"the glance worked out the impact of {help_request.title}")

    monkeypatch.setattr(panels, "impact_for", refused)
    context = _glance(system_lead, school_a)
    assert [row.pk for row in context["open_asked"]] == [under_way.pk]  # type: ignore[attr-defined]
    assert [row.pk for row in context["open_given"]] == [gives.pk]  # type: ignore[attr-defined]
