"""Every table of the site sits in one kind of box: ``{% scroll_region "Label" %}<table>…</table>{% endscroll_region %}``.

On a phone (360 px) a table wider than the screen scrolls sideways inside its box, not the
page; the box is a focusable region with a name ("Label, scrolls sideways"), so that a keyboard
reaches it and scrolls it with the arrow keys and a screen reader says what it is (axe's
"scrollable-region-focusable"). One home for that markup: ``tests/web/test_tables_scroll.py``
checks that every ``<table>`` in the templates sits in this box.

    {% load scrolling %}
    {% scroll_region "Schools in this family" %}<table>…</table>{% endscroll_region %}
    {% scroll_region "Figures of "|add:indicator.name %}<table>…</table>{% endscroll_region %}
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist: NodeList, label: FilterExpression):
        self.nodelist, self.label = nodelist, label

    def render(self, context: template.Context) -> SafeString:
        # (A label that draws empty still names the region: never an error page for it.)
        label = str(self.label.resolve(context, ignore_failures=True) or "").strip() or "Table"
        return format_html(
            '<div class="table-wrap" tabindex="0" role="region" aria-label="{}, scrolls sideways">{}</div>',
            label,
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser: Parser, token: Token) -> ScrollRegionNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('scroll_region takes one label: {% scroll_region "What it shows" %}')
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[1]))
