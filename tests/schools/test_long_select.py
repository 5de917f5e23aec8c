"""``LongSelect`` writes out the very HTML of Django's own ``Select`` (only quicker), so a
form that uses it for every school in England looks and posts exactly as before."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from evenbetter.schools.forms import LongSelect

FLAT = [("", "---------"), (1, "Alton & District <Infant>"), (2, 'Ash "Grange"'), (3, "Zed")]
GROUPED: list[Any] = [("Hampshire & <Surrey>", [(1, "Alton"), (2, "Ash")]), (3, "Zed")]


@pytest.mark.parametrize("choices", [FLAT, GROUPED])
@pytest.mark.parametrize("value", [None, "", "2", 2, "not a choice"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_school", "required": True}, {"id": "x", "disabled": False}])
def test_the_same_html_as_djangos_select(choices: list[Any], value: object, attrs: dict[str, Any] | None) -> None:
    assert LongSelect(choices=choices).render("school", value, attrs=attrs) == forms.Select(choices=choices).render(
        "school", value, attrs=attrs
    )


def test_names_are_escaped() -> None:
    html = LongSelect(choices=FLAT).render("school", None)
    assert "Alton &amp; District &lt;Infant&gt;" in html and "<Infant>" not in html
