"""The family table's rows drawn in Python (``{% family_rows %}``) are the HTML the template's
loops drew, cell for cell: every value, share and distance shown the same way, names escaped,
a missing value "unknown", a share of nothing left out."""

from __future__ import annotations

import pytest
from django.template import engines

from evenbetter.benchmarks.selectors import FamilyRow, SchoolFamily
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

# The loops as family.html drew them before (session 11): the reference.
LOOPS = """{% for row in family.rows %}
    <tr><td>{{ row.rank }}</td><td><a href="{{ row.member.get_absolute_url }}">{{ row.member.name }}</a> <span class="muted">{{ row.member.town }}</span></td>
      <td class="num">{{ row.distance|floatformat:2 }}</td><td class="num">{% widthratio row.weight_share 1 100 %}%</td>
      {% for why in row.why %}<td class="num">{{ why.member_value|default_if_none:"unknown" }}{% if why.share %} <span class="muted">({% widthratio why.share 1 100 %}%)</span>{% endif %}</td>{% endfor %}</tr>
  {% endfor %}"""  # fmt: skip


def _why(school_value: object, member_value: object, share: object) -> dict[str, object]:
    return {"variable": "v", "label": "V", "school_value": school_value, "member_value": member_value, "share": share}


def test_the_rows_are_the_html_the_loops_drew(school_a: School, school_b: School) -> None:
    no_urn = School(pk=987_654, urn=None, name="Q & A <School>", town='"Quoted" Town')
    family = SchoolFamily(
        run=None,
        rows=[
            FamilyRow(school_b, 1, 0.125, 0.875, [_why(12.5, 13.25, 0.125), _why(None, None, None), _why(3, 0, 0.0)]),
            FamilyRow(school_a, 2, 1.005, 0.5, [_why(1e-05, 123456.789, 0.005), _why(2, 2.0, 0.995), _why(4, -1.5, 1)]),
            FamilyRow(no_urn, 30, 2.0, 0.0, [_why(1, 1, 0.5), _why(0, 7, 0.015), _why(0.1, 0.30000000000000004, 0.25)]),
        ],
    )
    django = engines["django"]
    reference = django.from_string(LOOPS).render({"family": family})
    drawn = django.from_string("{% load family_table %}{% family_rows family %}").render({"family": family})
    assert drawn == reference
    assert "Q &amp; A &lt;School&gt;" in drawn and "unknown" in drawn
    assert drawn.count("<tr>") == 3


def test_no_rows_draw_nothing() -> None:
    drawn = engines["django"].from_string("{% load family_table %}{% family_rows family %}")
    assert drawn.render({"family": SchoolFamily(run=None, rows=[])}) == ""
