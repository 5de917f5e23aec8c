from __future__ import annotations

from django import template
from django.utils.text import slugify

register = template.Library()


@register.inclusion_tag("web/_grade.html")
def ofsted_grade(rating: str) -> dict[str, str]:
    return {"rating": rating, "css": f"grade-{slugify(rating)}"}


@register.inclusion_tag("web/_status.html")
def school_status(school: object) -> dict[str, object]:
    return {"school": school}
