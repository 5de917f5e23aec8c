"""Numbers with units (issue 20): a figure in a table says what it counts or measures in its own
cell ("12.5%", "4.2 points", "£1,200"), unless its column counts things and says which
("Schools", "#"); no unit is abbreviated ("pts"). A score (Attainment 8, Progress 8, a key stage 2
progress score) is in points, and a difference of two percentages is in percentage points."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

BARE_NUMBER = re.compile(r"^[▲▼+\-−]?\s*\d[\d,]*(\.\d+)?$")
ABBREVIATED = re.compile(r"\b\d[\d,.]*\s*(pts?|ppts?|pp)\b")
# Columns that count things and name them in their header: a bare number there is a count.
COUNTS = re.compile(r"^(#|(schools?|pupils?|attempts?|contacts?|members?|meetings?|actions?|comments?|rank)\b)", re.I)


class _Tables(HTMLParser):
    """Every table's header cells and the rows beneath them, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[tuple[str, str]]]]] = []
        self._cell: list[str] | None = None
        self._tag = ""
        self._row: list[tuple[str, str]] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append((self._tag, " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self.tables:
            head, rows = self.tables[-1]
            if self._in_head:
                head[:] = [text for _, text in self._row]
            else:
                rows.append(self._row)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def unitless_numbers(html: str) -> list[str]:
    """Each figure a reader meets without its unit, with its column."""
    parser = _Tables()
    parser.feed(html)
    found = []
    for head, rows in parser.tables:
        for row in rows:
            for i, (tag, text) in enumerate(row):
                header = head[i] if i < len(head) else ""
                if tag == "td" and BARE_NUMBER.match(text) and not COUNTS.match(header):
                    found.append(f"{text!r} under {header!r}")
    found += [f"an abbreviated unit: {m.group(0)!r}" for m in ABBREVIATED.finditer(re.sub(r"<[^>]+>", " ", html))]
    return found


def test_the_check_finds_bare_figures_and_abbreviated_units() -> None:
    table = "<table><thead><tr><th>Year</th><th>Schools</th><th>Gap (points)</th></tr></thead><tbody>{}</tbody></table>"
    assert unitless_numbers(table.format("<tr><th>2018/19</th><td>12</td><td>20.0</td></tr>")) == [
        "'20.0' under 'Gap (points)'"
    ]
    assert unitless_numbers(table.format("<tr><th>2018/19</th><td>12</td><td>20.0 points</td></tr>")) == []
    assert unitless_numbers("<table><tr><td>▲ 10</td></tr></table>") == ["'▲ 10' under ''"]
    assert unitless_numbers("<p>Risk up ▲ 10 pts</p>") == ["an abbreviated unit: '10 pts'"]
    assert unitless_numbers("<table><tr><td>12.5%</td><td>£1,200</td><td>Alton 2</td></tr></table>") == []


def test_a_score_is_in_points_and_a_percentage_keeps_its_sign() -> None:
    progress8 = Indicator(code="p8", name="Progress 8 score", unit="score", comparison="score", decimal_places=2)
    attainment8 = Indicator(code="a8", name="Attainment 8 score", unit="score", comparison="score")
    assert progress8.label_for(-0.25) == "-0.25 points"
    assert attainment8.label_for(47.3) == "47.3 points"
    assert Indicator(code="x", name="x", unit="%", comparison="percent").label_for(12.5) == "12.5%"
    assert (
        Indicator(code="y", name="y", unit="pupils", comparison="count", decimal_places=0).label_for(30) == "30 pupils"
    )


def test_the_watch_list_says_its_change_in_percentage_points(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School
) -> None:
    make_risk_run([(school_b, 0.4, None, "high"), (school_a, 0.3, None, "raised"), (school_c, 0.2, None, "usual")])
    make_risk_run([(school_b, 0.5, 0.4, "high"), (school_a, 0.2, 0.3, "raised"), (school_c, 0.2, 0.2, "usual")])
    html = client_for("system_lead").get(reverse("watch_list")).content.decode()
    assert "▲ 10 points" in html and "▼ 10 points" in html
    assert unitless_numbers(html) == []


def test_the_dashboard_gap_is_in_percentage_points(
    client_for: Callable[[str], Client], school_a: School, school_c: School
) -> None:
    codes = {
        "ks2_ptrwm_exp_fsm6cla1a": ("%", "percent"), "ks2_tfsm6cla1a": ("pupils", "count"),
        "ks2_ptrwm_exp_notfsm6cla1a": ("%", "percent"), "ks2_tnotfsm6cla1a": ("pupils", "count"),
    }  # fmt: skip
    values = {"ks2_ptrwm_exp_fsm6cla1a": 40.0, "ks2_tfsm6cla1a": 10, "ks2_ptrwm_exp_notfsm6cla1a": 60.0}
    values["ks2_tnotfsm6cla1a"] = 30
    for code, (unit, comparison) in codes.items():
        indicator = Indicator.objects.create(code=code, name=code, unit=unit, domain="outcomes", comparison=comparison)
        for school in (school_a, school_c):
            Observation.objects.create(
                school=school, indicator=indicator, period="2018/19", period_start=dt.date(2018, 9, 1),
                value=values[code],
            )  # fmt: skip
    html = client_for("system_lead").get(reverse("dashboard")).content.decode()
    assert "Gap (percentage points)" in html and "20.0 points" in html
    assert unitless_numbers(html) == []
