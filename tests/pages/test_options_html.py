"""One home draws a select's options in Python (``pages.options.options_html``): the template tag
``{% options %}`` and the widget ``schools.forms.LongSelect`` both call it, so they escape and mark
the chosen one alike; only the layout differs (LongSelect writes Django's ``Select``'s very HTML)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from evenbetter.pages.options import options_html
from evenbetter.schools.forms import LongSelect

PACKAGE = Path(__file__).resolve().parents[2] / "evenbetter"
FLAT: list[Any] = [("", "Any"), ("a&b", "<Primary>"), (2, 'Ash "Grange"')]
GROUPED: list[Any] = [('Schools "near"', [(1, "Alton & Co"), (2, "Ash")]), (3, "Zed")]


def _tag(choices: object, selected: object) -> str:
    return Template("{% load evenbetter %}{% options choices selected %}").render(
        Context({"choices": choices, "selected": selected})
    )


def _widget_options(choices: list[Any], selected: object) -> str:
    """LongSelect's options, without the select around them or the layout between elements."""
    drawn = LongSelect(choices=choices).render("field", selected)
    inner = drawn[drawn.index(">") + 1 : drawn.rindex("</select>")]
    return re.sub(r">\s+<", "><", inner.strip())


@pytest.mark.parametrize("choices", [FLAT, GROUPED])
@pytest.mark.parametrize("selected", [None, "", 2, "a&b", "not a choice"])
def test_the_tag_and_the_widget_draw_the_same_options(choices: list[Any], selected: object) -> None:
    assert _tag(choices, selected) == _widget_options(choices, selected)


def test_the_layouts_differ_only_in_the_space_between_elements() -> None:
    groups = [("Group", [("1", "One", " selected")]), (None, [("2", "Two", "")])]
    compact, django = options_html(groups), options_html(groups, django_layout=True)
    assert (
        compact
        == '<optgroup label="Group"><option value="1" selected>One</option></optgroup><option value="2">Two</option>'
    )
    assert re.sub(r">\s+<", "><", django.strip()) == compact


def test_text_marked_safe_is_not_escaped_twice_and_lazy_text_is_drawn() -> None:
    # As Django escapes (conditional_escape): a label already safe stays as it is, the widget's as Django's Select.
    choices = [("x", mark_safe("Alton &amp; Co")), ("y", gettext_lazy("Any phase"))]
    assert (
        _tag(choices, "x") == '<option value="x" selected>Alton &amp; Co</option><option value="y">Any phase</option>'
    )
    assert LongSelect(choices=choices).render("f", "x") == forms.Select(choices=choices).render("f", "x")


def test_no_other_code_draws_option_elements() -> None:
    drawers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"(?<!`)<option[\s>]", path.read_text())  # an option written, not named in ``<option>``
    ]
    assert drawers == ["pages/options.py"]
