"""The panel registry: panels are drawn in order, each only for those it is shown to, and a
panel registered for a while (as a test does) appears on the school page and is gone after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from evenbetter.pages.registry import Panel, panels_for, register_temporarily, registered_panels
from evenbetter.schools.models import School

PAGE = "test-page"


class Later(Panel):
    page = PAGE
    order = 20
    template = "pages/_note.html"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"note": f"later about {subject}"}


class Sooner(Panel):
    page = PAGE
    order = 10
    template = "pages/_note.html"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"note": f"sooner about {subject}"}


class OnlyForStaff(Panel):
    page = PAGE
    order = 15
    template = "pages/_note.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return bool(getattr(request.user, "is_staff", False))

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"note": "for staff"}


class Reader:
    def __init__(self, *, is_staff: bool) -> None:
        self.is_staff = is_staff


def _request(*, is_staff: bool) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = Reader(is_staff=is_staff)  # type: ignore[assignment]
    return request


def test_panels_come_in_order_whatever_order_they_were_registered_in() -> None:
    with register_temporarily(Later), register_temporarily(Sooner):
        shown = panels_for(PAGE, _request(is_staff=False), "Alton")
        assert [type(entry.panel) for entry in shown] == [Sooner, Later]
        assert [entry.context["note"] for entry in shown] == ["sooner about Alton", "later about Alton"]
    assert registered_panels(PAGE) == []


def test_a_panel_is_shown_only_to_those_it_says_both_ways() -> None:
    with register_temporarily(Sooner), register_temporarily(OnlyForStaff), register_temporarily(Later):
        assert [type(e.panel) for e in panels_for(PAGE, _request(is_staff=False), "x")] == [Sooner, Later]
        assert [type(e.panel) for e in panels_for(PAGE, _request(is_staff=True), "x")] == [Sooner, OnlyForStaff, Later]


def test_a_panel_needs_a_page_and_a_template() -> None:
    class Nowhere(Panel):
        template = "pages/_note.html"

    with pytest.raises(ValueError, match="needs a page"), register_temporarily(Nowhere):
        pass


def test_every_feature_panel_is_registered_on_its_page() -> None:
    def names(page: str) -> list[str]:
        return [f"{cls.__module__.split('.')[1]}.{cls.__name__}" for cls in registered_panels(page)]

    # The school page's sections, in the order of issue 20: Even better, Goals (issue 18), Trouble
    # ahead, Reaching out, Partnership life, then the voice of pupils, families and staff (issue 18),
    # Practice, Data; and At a glance above them.
    assert names("school") == [
        "benchmarks.EvenBetter",
        "goals.SchoolGoals",
        "earlywarning.TroubleAhead",
        "support.ReachingOut",
        "partnerships.SchoolLife",
        "voice.SchoolVoice",
        "practice.PracticeShared",
        "indicators.IndicatorsOverTime",
    ]
    assert [cls.slug for cls in registered_panels("school")] == [
        "even-better",
        "goals",
        "trouble-ahead",
        "reaching-out",
        "partnership-life",
        "voice",
        "practice",
        "data",
    ]
    assert names("glance") == [
        "benchmarks.GlanceStrengths",
        "goals.GlanceGoals",
        "earlywarning.GlanceRisk",
        "concerns.GlanceConcerns",
        "support.GlanceHelp",
        "partnerships.GlanceLife",
        "indicators.GlanceData",
    ]
    assert names("school-pupils") == ["indicators.SchoolHistoryLinks", "indicators.Inspections"]
    assert names("school-links") == ["earlywarning.RiskLink"]
    assert names("school-head-links") == ["concerns.RaiseConcernLink"]
    assert names("locality") == ["partnerships.LocalityNetworkLink", "goals.LocalityGoals"]
    assert names("partnership") == [
        "benchmarks.SharedOutcomes",
        "goals.PartnershipGoals",
        "partnerships.PartnershipLife",
    ]
    assert names("dashboard") == ["goals.DashboardGoals"]
    # The profile follows the school page's order (its facts first, then strengths as at a glance).
    assert names("profile") == [
        "indicators.SchoolFacts",
        "benchmarks.Strengths",
        "benchmarks.AgainstSimilarSchools",
        "earlywarning.EarlyWarning",
        "support.SupportReceivedAndGiven",
        "indicators.Trends",
    ]


class SchoolNote(Panel):
    page = "school"
    order = 250  # between "Even better" and "Trouble ahead"
    template = "pages/_note.html"
    title = "A note"
    slug = "note"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"note": f"A note about {subject.name}"}


@pytest.mark.django_db
def test_a_panel_registered_for_a_while_appears_on_the_school_page_in_its_place_and_is_gone_after(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    client = client_for("school_leader_a")
    whole = f"{school_a.get_absolute_url()}?sections=all"
    section = reverse("school_section", args=[school_a.pk, "note"])
    with register_temporarily(SchoolNote):
        page = client.get(whole).content.decode()
        assert '<p class="panel-note">A note about Alton Infant School</p>' in page
        assert page.index("benchmarks-heading") < page.index("panel-note") < page.index("indicators-heading")
        # Closed on the page as it first paints: in the section index, opened from its own URL.
        first = client.get(school_a.get_absolute_url()).content.decode()
        assert "panel-note" not in first and f'href="{section}"' in first
        assert "A note about Alton Infant School" in client.get(section).content.decode()
    assert "panel-note" not in client.get(whole).content.decode()
    assert client.get(section).status_code == 404
