"""The one home of drawing a select's ``<option>`` elements in Python, without a template per
option: the template tag ``{% options choices selected %}`` (``web/templatetags/evenbetter.py``,
for a select a template draws itself) and the form widget ``schools.forms.LongSelect`` (for a
form's field) both call ``options_html``. ``pages`` is below every app, so both may.

Values and labels are escaped as Django escapes them (``conditional_escape``: text already marked
safe is left as it is), with the standard library's escape, which Django's own wraps: 24,000
options (every school in England) in well under a second, where Django's ``Select`` took 6 s.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

# An option: its value, its label and its other attributes as written (" selected" or "").
Option = tuple[object, object, str]
# A group of options: the ``<optgroup>``'s label (None: options not in a group), its options.
Group = tuple[object | None, Sequence[Option]]


def escaped(text: object) -> str:
    """``text`` escaped for HTML as ``django.utils.html.conditional_escape`` escapes it."""
    if type(text) is str:  # nearly every value and label: the quick way
        return html.escape(text)
    if type(text) is int:  # a model's id
        return str(text)
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


def options_html(groups: Iterable[Group], *, django_layout: bool = False) -> SafeString:
    """The ``<option>`` elements of ``groups``, in their ``<optgroup>`` where they have one.

    ``django_layout``: laid out as the template of Django's own ``Select`` lays them out (each
    option on a line of its own, indented), so that a widget written in Python gives its very
    HTML; otherwise one after another, with nothing between them."""
    before, after = ("\n  ", "\n") if django_layout else ("", "")
    parts: list[str] = []
    for label, options in groups:
        if label is not None:
            parts.append(f'{before}<optgroup label="{escaped(label)}">')
        parts += [
            f'{before}<option value="{escaped(value)}"{attributes}>{escaped(text)}</option>{after}'
            for value, text, attributes in options
        ]
        if label is not None:
            parts.append(f"{before}</optgroup>")
    return mark_safe("".join(parts))  # noqa: S308  (every value and label escaped above)
