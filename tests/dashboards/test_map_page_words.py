"""The map says in plain words what it shows, and its "Colour by" names the colours drawn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _indicator(code: str, name: str) -> Indicator:
    return Indicator.objects.create(
        code=code, name=name, unit="%", direction="higher", domain="outcomes", comparison="percent",
        is_public=True, headline=True,
    )  # fmt: skip


@pytest.fixture
def two_colours(school_a: School, school_c: School) -> None:
    # "Absence" comes first in the list of choices; key stage 2 is what the map opens on.
    absence = _indicator("absence_overall", "Absence")
    rwm = _indicator("ks2_ptrwm_exp", "Reading, writing and maths")
    for indicator, value in ((absence, 4.0), (rwm, 60.0)):
        Observation.objects.create(
            school=school_a, indicator=indicator, period="2018/19", period_start=dt.date(2018, 9, 1), value=value
        )


def _summary(page: bytes) -> str:
    found = re.search(rb"<p class=\"small\" data-filter-summary>(.*?)</p>", page, re.S)
    assert found is not None
    return " ".join(found.group(1).decode().split())


def test_with_no_filter_the_select_names_the_indicator_the_map_is_coloured_by(
    client_for: Callable[[str], Client], two_colours: None
) -> None:
    page = client_for("system_lead").get(reverse("dashboard_map"))
    assert page.context["indicator"].code == "ks2_ptrwm_exp"
    assert re.search(rb'<option value="ks2_ptrwm_exp" selected>', page.content)
    assert not re.search(rb'<option value="absence_overall" selected>', page.content)
    # A reader's choice still wins.
    chosen = client_for("system_lead").get(reverse("dashboard_map"), {"indicator": "absence_overall"})
    assert chosen.context["indicator"].code == "absence_overall"
    assert re.search(rb'<option value="absence_overall" selected>', chosen.content)


def test_the_summary_counts_the_schools_in_plain_words(client_for: Callable[[str], Client], two_colours: None) -> None:
    page = client_for("system_lead").get(reverse("dashboard_map"))
    schools, shown = page.context["schools"], page.context["shown"]
    open_schools = School.objects.exclude(status=School.Status.CLOSED)
    assert schools == open_schools.count()
    assert shown == open_schools.filter(latitude__isnull=False, longitude__isnull=False).count()
    words = _summary(page.content)
    assert "every school you see shown" not in words
    if shown < schools:
        assert words.startswith(
            f"Of the {schools} schools you see, {shown} {'is' if shown == 1 else 'are'} on the map: "
            f"the register gives the other {schools - shown} no location. 1 has a value."
        ), words
    else:
        assert words.startswith(f"All {schools} schools you see are on the map. 1 has a value."), words


def test_the_summary_names_the_filters(client_for: Callable[[str], Client], two_colours: None) -> None:
    page = client_for("system_lead").get(reverse("dashboard_map"), {"locality": "east-hampshire"})
    words = _summary(page.content)
    assert "you see (East Hampshire)" in words, words
