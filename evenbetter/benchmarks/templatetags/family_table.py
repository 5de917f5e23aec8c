"""``{% family_rows family %}``: the rows of a school's family table, drawn in Python.

Thirty schools by five to ten variables, drawn by template loops, were half the family page's
server time (7 of 14 ms of CPU against about 5.5 for the password form; docs/benchmarks.md,
session 12): each cell resolved four variables and a ``widthratio``. The HTML is the same the
loops drew, cell for cell: values as the template would show them (``formats.localize``,
escaped), shares as ``{% widthratio share 1 100 %}``, the distance as ``floatformat:2``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from evenbetter.benchmarks.selectors import SchoolFamily

register = template.Library()


def _percent(share: Any) -> str:
    """``{% widthratio share 1 100 %}``: the share in whole per cent ("" when it is none)."""
    try:
        return str(round(float(share) * 100))
    except (ValueError, TypeError, OverflowError):
        return ""


def _value(value: Any) -> str:
    """``{{ value|default_if_none:"unknown" }}``, escaped."""
    return "unknown" if value is None else str(conditional_escape(formats.localize(value)))


@register.simple_tag
def family_rows(family: SchoolFamily) -> SafeString:
    rows = []
    for row in family.rows:
        cells = "".join(
            f'<td class="num">{_value(why["member_value"])}'
            + (f' <span class="muted">({_percent(why["share"])}%)</span>' if why["share"] else "")
            + "</td>"
            for why in row.why
        )
        rows.append(
            format_html(
                '\n    <tr><td>{}</td><td><a href="{}">{}</a> <span class="muted">{}</span></td>\n'
                '      <td class="num">{}</td><td class="num">{}%</td>\n      {}</tr>\n  ',
                row.rank,
                row.member.get_absolute_url(),
                row.member.name,
                row.member.town,
                floatformat(row.distance, 2),
                _percent(row.weight_share),
                mark_safe(cells),  # noqa: S308 - every value in it escaped above
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - format_html's own output
