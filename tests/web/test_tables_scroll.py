"""Every table of the site sits in the one scroll box (``{% scroll_region %}``, ``web/templatetags/
scrolling.py``): on a phone (360 px) a table wider than the screen scrolls inside a region the
keyboard reaches and a screen reader names, never the page. Read from the templates themselves,
so that a new table cannot forget it (no browser, no database: milliseconds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

import evenbetter

TEMPLATES = sorted(Path(evenbetter.__file__).parent.glob("**/templates/**/*.html"))
TAGS = re.compile(r"<table\b|\{%\s*scroll_region\b|\{%\s*endscroll_region\s*%\}")
# Tables too narrow to need the box, each with why (a region is one more stop for the keyboard).
NARROW = {
    "web/_indicator_chart.html": "two columns (a period, its value) under each of a school's charts",
}


def _name(path: Path) -> str:
    return path.as_posix().split("/templates/", 1)[1]


def tables_outside_the_box(text: str) -> list[int]:
    """The line of each ``<table`` not inside an open ``{% scroll_region %}``."""
    open_regions, outside = 0, []
    for found in TAGS.finditer(text):
        tag = found.group()
        if tag.startswith("<table"):
            if not open_regions:
                outside.append(text.count("\n", 0, found.start()) + 1)
        elif "endscroll_region" in tag:
            open_regions -= 1
        else:
            open_regions += 1
    return outside


def test_the_templates_are_found() -> None:
    names = [_name(path) for path in TEMPLATES]
    assert "base.html" in names and "schools/locality_detail.html" in names
    assert sum("<table" in path.read_text() for path in TEMPLATES) > 30


@pytest.mark.parametrize(
    ("text", "outside"),
    [
        ('{% scroll_region "Members" %}<table></table>{% endscroll_region %}', []),
        ('<div class="table-wrap"><table></table></div>', [1]),
        ('{% scroll_region "A" %}<table></table>{% endscroll_region %}\n<table></table>', [2]),
    ],
)
def test_the_check_itself_tells_a_boxed_table_from_a_bare_one(text: str, outside: list[int]) -> None:
    assert tables_outside_the_box(text) == outside


def test_every_table_sits_in_the_scroll_box() -> None:
    bare = {
        f"{_name(path)}, line {line}"
        for path in TEMPLATES
        if _name(path) not in NARROW
        for line in tables_outside_the_box(path.read_text())
    }
    assert not bare, 'Put these tables in {% scroll_region "What it shows" %}…{% endscroll_region %}: ' + ", ".join(
        sorted(bare)
    )
    for name in NARROW:  # an exception that no longer has a table goes
        assert any(_name(path) == name and "<table" in path.read_text() for path in TEMPLATES), name


def test_the_box_is_a_named_region_the_keyboard_reaches() -> None:
    drawn = Template(
        '{% load scrolling %}{% scroll_region "Scores of "|add:school %}<table></table>{% endscroll_region %}'
    ).render(Context({"school": "Alton <School>"}))
    assert drawn == (
        '<div class="table-wrap" tabindex="0" role="region" '
        'aria-label="Scores of Alton &lt;School&gt;, scrolls sideways"><table></table></div>'
    )
    # A label that draws empty still names the region: never an error page for it.
    unnamed = Template("{% load scrolling %}{% scroll_region missing %}<table></table>{% endscroll_region %}")
    assert 'aria-label="Table, scrolls sideways"' in unnamed.render(Context({}))
