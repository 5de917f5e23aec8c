"""Markdown people write, turned into HTML that cannot carry script.

Two layers: markdown-it-py with raw HTML switched off (``<script>`` in the text comes out
as text) and its own link check (no ``javascript:``, ``vbscript:``, ``file:`` or ``data:``
links), then nh3 (Rust's ammonia) keeps only the tags, attributes and URL schemes listed
here, and marks every link ``rel="noopener noreferrer nofollow"``. Images in the text are
not allowed (attachments carry pictures), so nothing loads from elsewhere.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> SafeString:
    html = _MARKDOWN.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308  (sanitised by nh3 just above)
