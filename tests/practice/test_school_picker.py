"""Sharing practice for one of very many schools: the form asks the reader to search
(``schools.forms.SchoolSearchSelect``) instead of listing every school it may share for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.practice import forms as practice_forms
from evenbetter.practice.models import PracticeItem
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The register sample's schools count as a long list (all England is 24,000)."""
    monkeypatch.setattr(practice_forms, "SCHOOLS_LISTED", 1)


def _option(school: School) -> str:
    return f'<option value="{school.pk}"'


def test_a_long_list_is_searched_not_listed(
    client_for: Callable[[str], Client], long_list: None, school_a: School, school_b: School
) -> None:
    client = client_for("system_lead")
    page = client.get(reverse("practice_create")).content.decode()
    assert 'name="school_q"' in page and "Type part of the school" in page
    assert _option(school_a) not in page and _option(school_b) not in page
    # As the reader types, htmx asks the page again and gets the school field alone.
    part = client.get(reverse("practice_create"), {"school_q": school_a.name}, HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert _option(school_a) in text and _option(school_b) not in text
    assert "<h1>" not in text and 'id="id_school-choices"' in text
    # A school chosen before (the school page's link) stays on the list.
    chosen = client.get(reverse("practice_create"), {"school": school_b.pk}).content.decode()
    assert f"{_option(school_b)} selected" in chosen


def test_without_javascript_find_narrows_the_list_and_saves_nothing(
    client_for: Callable[[str], Client], long_list: None, school_a: School, school_b: School
) -> None:
    client = client_for("system_lead")
    response = client.post(
        reverse("practice_create"),
        {"find": "1", "school_q": school_a.name, "title": "Lunchtime reading", "areas": ["reading"]},
    )
    text = response.content.decode()
    assert response.status_code == 200 and not PracticeItem.objects.exists()
    assert _option(school_a) in text and _option(school_b) not in text
    assert 'value="Lunchtime reading"' in text and "Nothing was saved" not in text  # kept, no errors
    # Any school the reader may share for is accepted, listed or not.
    created = client.post(
        reverse("practice_create"),
        {"school": school_b.pk, "kind": "idea", "title": "Lunchtime reading", "summary": "Books at lunch.",
         "body": "Older pupils read with younger ones.", "areas": ["reading"], "phase": "primary"},
    )  # fmt: skip
    assert created.status_code == 302
    assert list(PracticeItem.objects.get().schools.all()) == [school_b]


def test_the_search_offers_only_schools_the_reader_may_share_for(
    client_for: Callable[[str], Client], long_list: None, school_a: School, school_b: School
) -> None:
    # The Alton Cluster's lead may share for its two schools (A and C), not for school B.
    client = client_for("partnership_lead")
    found = client.get(reverse("practice_create"), {"school_q": school_b.name}, HTTP_HX_REQUEST="true")
    assert _option(school_b) not in found.content.decode()
    assert "No school you may choose matches" in found.content.decode()
    refused = client.post(
        reverse("practice_create"),
        {"school": school_b.pk, "kind": "idea", "title": "Lunchtime reading", "summary": "Books at lunch.",
         "body": "Older pupils read with younger ones.", "areas": ["reading"], "phase": "primary"},
    )  # fmt: skip
    assert refused.status_code == 400 and not PracticeItem.objects.exists()


def test_a_short_list_is_still_a_plain_list(client_for: Callable[[str], Client], school_a: School) -> None:
    page = client_for("school_leader_a").get(reverse("practice_create")).content.decode()
    assert _option(school_a) in page and 'name="school_q"' not in page
