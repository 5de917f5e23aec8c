"""``{% options choices selected %}``: a select's options in Django's choices format, escaped."""

from __future__ import annotations

from django.template import Context, Template


def _drawn(choices: object, selected: object) -> str:
    return Template("{% load evenbetter %}{% options choices selected %}").render(
        Context({"choices": choices, "selected": selected})
    )


def test_the_chosen_one_is_selected_and_every_value_and_label_is_escaped() -> None:
    drawn = _drawn([("", "Any phase"), ("a&b", "<Primary>"), (3, "Three")], 3)
    assert drawn == (
        '<option value="">Any phase</option>'
        '<option value="a&amp;b">&lt;Primary&gt;</option>'
        '<option value="3" selected>Three</option>'
    )


def test_groups_become_optgroups_and_nothing_is_selected_when_nothing_matches() -> None:
    drawn = _drawn([('Schools "near"', [("x", "X")]), ("y", "Y")], None)
    assert (
        drawn
        == '<optgroup label="Schools &quot;near&quot;"><option value="x">X</option></optgroup><option value="y">Y</option>'
    )
    assert " selected" not in _drawn([("", "Any")], "other")
