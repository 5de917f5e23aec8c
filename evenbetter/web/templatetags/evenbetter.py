from __future__ import annotations

from django import template
from django.utils.text import slugify

from evenbetter.indicators.models import Observation
from evenbetter.indicators.selectors import IndicatorSeries
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


@register.filter
def observation_label(observation: Observation) -> str:
    if observation.value is None:
        return str(observation.get_status_display())
    return observation.indicator.label_for(observation.value)
