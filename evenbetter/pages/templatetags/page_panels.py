"""``{% render_panel shown %}`` draws one panel the view computed; ``{% panels "page" subject %}``
computes and draws a small page region (a list of links, a card's part) in place."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from evenbetter.pages.registry import ShownPanel, panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: Context, shown: ShownPanel) -> SafeString:
    if shown.html is not None:  # kept in the cache (the panel opted in: ``Panel.cache_key``)
        return mark_safe(shown.html)  # noqa: S308 - a template's own output, kept
    panel_template = context.template.engine.get_template(shown.template)  # type: ignore[union-attr]
    with context.push(shown.context):
        html = panel_template.render(context)
    shown.keep(html)
    return mark_safe(html)  # noqa: S308 - a template's own output


@register.simple_tag(takes_context=True)
def panels(context: Context, page: str, subject: Any) -> SafeString:
    rendered = [render_panel(context, shown) for shown in panels_for(page, context["request"], subject)]
    return mark_safe("".join(rendered))  # noqa: S308 - templates' own output
