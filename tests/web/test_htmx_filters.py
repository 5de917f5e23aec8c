"""The filtered pages (schools directory, explorer, dashboard, map, watch list) under htmx: a
filter change asks for the page's region alone and gets it, filtered, with ``Vary`` so that no
cache mixes it with the page; a browser without JavaScript gets the whole page with the same
region in it; and htmx gets no more than the page would give (the same refusals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import Partnership, School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def reading(school_a: School, school_b: School, school_c: School) -> Indicator:
    """One published outcome at three schools, for the explorer, the dashboard and the map."""
    indicator = Indicator.objects.create(
        code="ks2_ptrwm_exp", name="Reading, writing and maths", unit="%", direction="higher",
        domain="outcomes", comparison="percent", is_public=True, headline=True,
    )  # fmt: skip
    for school, value in ((school_a, 50.0), (school_b, 70.0), (school_c, 90.0)):
        Observation.objects.create(
            school=school, indicator=indicator, period="2018/19", period_start=dt.date(2018, 9, 1), value=value
        )
    return indicator


# (page, a filter to the Alton cluster, the region's id, what shows the filter was applied)
PAGES = [
    ("school_directory", {"partnership": "alton-cluster"}, "directory-results", "<strong>2</strong> schools found"),
    ("explorer", {"scope": "partnership:alton-cluster"}, "explorer-results", "Alton Cluster</h2>"),
    ("dashboard", {"partnership": "alton-cluster"}, "dashboard-results", "Alton Cluster (2 open schools)"),
    (
        "dashboard_map",
        {"partnership": "alton-cluster"},
        "map-results",
        "All 2 schools you see (Alton Cluster) are on the map",
    ),
    ("watch_list", {"partnership": "alton-cluster"}, "watch-list-results", "<strong>2</strong> schools match"),
]


@pytest.fixture
def scored(school_a: School, school_b: School, school_c: School) -> None:
    make_risk_run([(school_b, 0.62, None, "high"), (school_a, 0.31, None, "raised"), (school_c, 0.05, None, "usual")])


def _vary(response: object) -> set[str]:
    return {v.strip() for v in response["Vary"].split(",")}  # type: ignore[index]


@pytest.mark.parametrize(("name", "filters", "region", "filtered"), PAGES, ids=[p[0] for p in PAGES])
def test_htmx_gets_the_filtered_region_alone_and_a_browser_the_whole_page(
    client_for: Callable[[str], Client],
    reading: Indicator,
    scored: None,
    name: str,
    filters: dict[str, str],
    region: str,
    filtered: str,
) -> None:
    client = client_for("system_lead")
    part = client.get(reverse(name), filters, headers=HTMX)
    assert part.status_code == 200
    text = part.content.decode()
    assert text.lstrip().startswith(f'<div id="{region}" data-filtered')
    assert "<html" not in text and "site-header" not in text  # the region, not the page
    assert 'data-filters hx-get="' in text and 'hx-push-url="true"' in text  # its form comes back with it
    assert {"HX-Request", "HX-History-Restore-Request"} <= _vary(part)
    assert filtered in text  # the Alton cluster: schools A and C

    page = client.get(reverse(name), filters)
    assert page.status_code == 200
    whole = page.content.decode()
    assert "<html" in whole and f'id="{region}"' in whole and filtered in whole
    assert "web/vendor/htmx" in whole and "web/interactions" in whole
    assert {"HX-Request", "HX-History-Restore-Request"} <= _vary(page)
    # A history restore asks with HX-Request too, and gets the whole page.
    restore = client.get(reverse(name), filters, headers=HTMX | {"HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        ("school_directory", "outsider", 403),
        ("explorer", "outsider", 403),
        ("dashboard", "outsider", 403),
        ("dashboard_map", "outsider", 403),
        ("watch_list", "school_leader_a", 403),
        ("watch_list", "governor", 403),
        ("watch_list", "partner_agency", 403),
    ],
)
def test_htmx_is_refused_what_the_page_refuses(
    client_for: Callable[[str], Client], scored: None, name: str, persona: str, status: int
) -> None:
    response = client_for(persona).get(reverse(name), {"partnership": "alton-cluster"}, headers=HTMX)
    assert response.status_code == status
    assert b"data-filtered" not in response.content


def test_the_watch_list_region_is_never_kept_in_the_browsers_history_cache(
    client_for: Callable[[str], Client], scored: None
) -> None:
    """hx-history="false": htmx keeps no copy of risk scores in the browser's storage."""
    text = client_for("system_lead").get(reverse("watch_list"), headers=HTMX).content.decode()
    assert 'id="watch-list-results" data-filtered hx-history="false"' in text


def test_the_charts_data_arrives_as_text_that_htmx_keeps(
    client_for: Callable[[str], Client], reading: Indicator, alton_cluster: Partnership
) -> None:
    """A <script> that htmx swaps in is dropped under the CSP (allowScriptTags false): the
    explorer's and the dashboard's chart data travel in hidden elements instead."""
    for name in ("explorer", "dashboard"):
        text = client_for("system_lead").get(reverse(name), headers=HTMX).content.decode()
        assert "<canvas data-chart=" in text
        assert "<script" not in text
        assert '<div hidden id="' in text


def test_a_school_pages_section_varies_on_htmx_too(client_for: Callable[[str], Client], school_a: School) -> None:
    """A section of the school page is its part for htmx and a page of its own otherwise: the
    same URL, so it varies as the filtered pages do."""
    client = client_for("school_leader_a")
    url = reverse("school_section", args=[school_a.pk, "practice"])
    part, page = client.get(url, headers=HTMX), client.get(url)
    assert "<html" not in part.content.decode() and "<html" in page.content.decode()
    for response in (part, page):
        assert {"HX-Request", "HX-History-Restore-Request"} <= _vary(response)
