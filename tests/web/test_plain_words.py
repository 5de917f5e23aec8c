"""Pages that schools see speak plain English: the pages a school leader and a governor open
(home, the school page and profile, the risk page, the benchmarks against similar schools, the
explorer and the outcome dashboards) carry no statistical jargon, "percentile" only as a link to
its plain definition in the glossary, and dates in words. What a screen reader reads (``aria-label``,
``title``) counts as much as what is seen."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.earlywarning.models import RiskRun
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.earlywarning.conftest import make_risk_run

# Same on any database: the words on the pages: templates and wording.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

JARGON = re.compile(r"\b(log-odds|log odds|ROC|AUC|coefficients?|percentiles?)\b", re.IGNORECASE)
UNLESS_LINKED = {"percentile", "percentiles"}
# Dates in words ("6 December 2026"), never in numbers only ("2026-12-06", "06/12/2026").
NUMBER_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b")


class _Words(HTMLParser):
    """The words of a page a reader meets, each with whether it sits in a glossary link.

    Skipped: scripts, styles and JSON data. The early warning's reasons are read too: they say
    "raised the chance a lot / a little", never the model's own scale."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.words: list[tuple[str, bool]] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, in a glossary link)

    def _state(self) -> tuple[bool, bool]:
        return (self._stack[-1][1], self._stack[-1][2]) if self._stack else (False, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        skipped, linked = self._state()
        classes = (attributes.get("class") or "").split()
        skipped = skipped or tag in self.SKIP
        linked = linked or (tag == "a" and "term" in classes)
        if not skipped:
            for name in ("aria-label", "title", "alt", "placeholder"):
                if attributes.get(name):
                    self.words.append((attributes[name] or "", False))
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"):
            self._stack.append((tag, skipped, linked))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        skipped, linked = self._state()
        if not skipped and data.strip():
            self.words.append((data, linked))


def jargon_in(html: str) -> list[str]:
    """Each piece of jargon a reader meets, with the words around it."""
    parser = _Words()
    parser.feed(html)
    found = []
    for text, linked in parser.words:
        for match in JARGON.finditer(text):
            if linked and match.group(0).lower() in UNLESS_LINKED:
                continue
            found.append(text[max(0, match.start() - 60) : match.end() + 60].strip())
        found += [f"a date in numbers: {match.group(0)}" for match in NUMBER_DATE.finditer(text)]
    return found


def test_the_check_finds_jargon_and_lets_a_linked_percentile_through() -> None:
    assert jargon_in("<p>Its ROC curve and AUC are good; each coefficient is shown.</p>") != []
    assert len(jargon_in("<p>It rose by 0.4 log-odds.</p><p title='the 75th percentile'>x</p>")) == 2
    assert jargon_in('<p>The 75th <a class="term" href="/glossary/#percentile">percentile</a>.</p>') == []
    assert jargon_in("<p>In the 75th percentile.</p>") != []
    assert jargon_in("<script>var roc = 'AUC';</script><p>Plain words.</p>") == []
    assert jargon_in("<p>Ahead of the process</p>") == []  # whole words only
    assert jargon_in("<p>Run on 2026-12-06, or 06/12/2026.</p>") == [
        "a date in numbers: 2026-12-06",
        "a date in numbers: 06/12/2026",
    ]
    assert jargon_in("<p>As at 2018/19, run on 6 December 2026.</p>") == []


@pytest.fixture
def figures(school_a: School, school_b: School, school_c: School) -> RiskRun:
    build_benchmarked(shifts={2017: -2, 2018: 0})
    return make_risk_run(
        [(school_b, 0.6, 0.5, "high"), (school_a, 0.3, 0.2, "raised"), (school_c, 0.05, 0.1, "usual")],
        reasons=[["trigger_isolation", 0.8, "Little contact with other schools over the last two terms"]],
        triggers=[
            {"code": "isolation", "name": "Developing isolation", "kind": "leading", "fired": True,
             "severity": 0.5, "evidence": "peers 1", "explanation": "Little contact with other schools."},
        ],
    )  # fmt: skip


def _pages(school_a: School, school_b: School) -> list[str]:
    return [
        reverse("home"),
        school_a.get_absolute_url(),
        school_b.get_absolute_url(),
        reverse("school_profile", args=[school_a.pk]),
        reverse("school_risk", args=[school_a.pk]),
        reverse("school_family", args=[school_a.pk]),
        reverse("explorer"),
        reverse("explorer") + "?indicator=reading",
        reverse("dashboard"),
        reverse("dashboard_map"),
        reverse("school_search") + "?q=Alton",
    ]  # not the glossary: it is where these words are explained


@pytest.mark.parametrize("persona", ["school_leader_a", "governor"])
def test_the_pages_schools_see_speak_plain_english(
    persona: str, client_for: Callable[[str], Client], figures: RiskRun, school_a: School, school_b: School
) -> None:
    client = client_for(persona)
    opened = 0
    for url in _pages(school_a, school_b):
        response = client.get(url)
        if response.status_code in (403, 404):  # a page this role may not open (the governor's dashboards)
            continue
        assert response.status_code == 200, (url, response.status_code)
        opened += 1
        assert jargon_in(response.content.decode()) == [], f"{persona} meets jargon on {url}"
    assert opened >= (10 if persona == "school_leader_a" else 6)
