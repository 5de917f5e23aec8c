"""Django's ``{# … #}`` comment ends at the end of its line: one that spans lines is not a
comment but text on the page (in ``<head>`` it once put a second main landmark into every
page). Every template's comments close on the line they open."""

from __future__ import annotations

import re
from pathlib import Path

import evenbetter

TEMPLATES = sorted(Path(evenbetter.__file__).parent.glob("*/templates/**/*.html"))
UNCLOSED = re.compile(r"\{#(?![^\n]*#\})")


def test_there_are_templates_to_read() -> None:
    assert len(TEMPLATES) > 50


def test_every_one_line_comment_closes_on_its_line() -> None:
    unclosed = [
        f"{path.relative_to(Path(evenbetter.__file__).parent)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNCLOSED.search(line)
    ]
    assert unclosed == [], "a {# comment #} must close on its own line; use {% comment %} for more"


def test_the_check_finds_a_comment_left_open() -> None:
    assert UNCLOSED.search("{# the header, then")
    assert not UNCLOSED.search("{# the header #} <main>")
