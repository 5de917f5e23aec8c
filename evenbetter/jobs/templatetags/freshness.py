"""``{% figures_freshness %}``: the one snippet that says how fresh derived figures are, wherever
they are shown (the school's benchmark panel, the family page, the explorer, the watch list)."""

from __future__ import annotations

from typing import Any

from django import template

from evenbetter.jobs.selectors import freshness

register = template.Library()


@register.inclusion_tag("jobs/_freshness.html")
def figures_freshness() -> dict[str, Any]:
    return {"freshness": freshness()}
