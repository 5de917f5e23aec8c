from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.text import slugify

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.indicators.selectors import IndicatorSeries
from evenbetter.pages.options import Group, Option, options_html
from evenbetter.web.charts import line_chart

register = template.Library()


@register.inclusion_tag("web/_grade.html")
def ofsted_grade(rating: str) -> dict[str, str]:
    return {"rating": rating, "css": f"grade-{slugify(rating)}"}


@register.inclusion_tag("web/_status.html")
def school_status(school: object) -> dict[str, object]:
    return {"school": school}


@register.inclusion_tag("web/_indicator_chart.html", takes_context=True)
def indicator_chart(context: template.Context, series: IndicatorSeries) -> dict[str, object]:
    indicator = series.indicator
    chart = line_chart([(p.period, p.value) for p in series.values if p.value is not None], indicator.label_for)
    return {
        "series": series,
        "indicator": indicator,
        "chart": chart,
        "can_flag": context.get("can_flag", False),
        "disputed_ids": context.get("disputed_ids", set()),
    }


@register.simple_tag
def options(choices: Iterable[Sequence[Any]], selected: object = None) -> SafeString:
    """The ``<option>`` elements of a select, in Django's choices format ((value, label) pairs,
    or (group label, pairs) for an ``<optgroup>``), the one equal to ``selected`` chosen; drawn
    by ``pages.options.options_html``, as ``schools.forms.LongSelect`` draws a form's. A list of
    hundreds (the explorer's 470 choices) is drawn in a millisecond or two, where the same loops
    in the template took about 15 ms."""
    chosen = "" if selected is None else str(selected)

    groups: list[Group] = []
    loose: list[Option] = []  # options not in a group, one after another
    for value, label in choices:
        if isinstance(label, list | tuple):
            if loose:
                groups.append((None, loose))
                loose = []
            groups.append((value, [(v, text, " selected" if str(v) == chosen else "") for v, text in label]))
        else:
            loose.append((value, label, " selected" if str(value) == chosen else ""))
    if loose:
        groups.append((None, loose))
    return options_html(groups)


@register.filter
def chart_json(data: object) -> str:
    """A chart's data as JSON text for a hidden element (escaped as any text): unlike
    ``json_script`` it survives being put in the page by htmx, which drops every script
    element under the strict CSP."""
    return json.dumps(data)


@register.inclusion_tag("web/_sparkline.html")
def sparkline(
    values: list[tuple[str, float]], formatter: object, name: str, generated: bool = False
) -> dict[str, object]:
    """A line of a few points, a word high, with its figures in words for screen readers:
    ``values`` are (period, value), oldest first."""
    return {
        "chart": line_chart(values, formatter, width=80, height=22, pad=3),
        "name": name,
        "generated": generated,
    }


@register.filter
def observation_label(observation: Observation) -> str:
    if observation.value is None:
        return str(observation.get_status_display())
    return observation.indicator.label_for(observation.value)


@register.filter
def indicator_value(value: float | None, indicator: Indicator) -> str:
    """A figure in the indicator's own units and decimals; a dash when there is none."""
    if value is None:
        return "—"
    return indicator.label_for(value)


def _number(value: object) -> str:
    if value is None:
        return "unknown"
    return f"{float(value):,.1f}".removesuffix(".0")  # type: ignore[arg-type]


@register.simple_tag
def most_different(why: list[dict[str, object]]) -> str:
    """The context variable that counts most in a member's distance, with both values."""
    counted = [w for w in why if w.get("share")]
    if not counted:
        return "alike on every variable known"
    top = max(counted, key=lambda w: float(w["share"]))  # type: ignore[arg-type]
    return f"{top['label']} ({_number(top['school_value'])} here, {_number(top['member_value'])} there)"


@register.filter
def duration(value: object) -> str:
    """A timedelta in words: "30 minutes", "1 hour", "2 hours 15 minutes"."""
    if not isinstance(value, dt.timedelta):
        return ""
    minutes = max(round(value.total_seconds() / 60), 0)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
