"""``{% term "percentile" %}``: a word linked to its plain-English definition on the glossary
page (``evenbetter/vocabulary/glossary.py``); ``{% term "percentile" "percentiles" %}`` shows
other words. A slug the glossary does not have is an error, so no link leads nowhere."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from evenbetter.vocabulary.glossary import TERMS

register = template.Library()


@register.simple_tag
def term(slug: str, words: str = "") -> SafeString:
    if slug not in TERMS:
        raise template.TemplateSyntaxError(f'The glossary has no term "{slug}" (evenbetter/vocabulary/glossary.py).')
    shown = words or TERMS[slug].term.lower()
    return format_html('<a class="term" href="{}#{}">{}</a>', reverse("glossary"), slug, shown)
