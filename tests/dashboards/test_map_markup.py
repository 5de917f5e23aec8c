"""The map's points are written in Python (``SchoolMap.points_svg``): the very markup the
template's loop drew, escaped the same way."""

from __future__ import annotations

from django.template import Context, Template

from evenbetter.dashboards.map import Point, SchoolMap

# The loop the map's template had, point by point.
TEMPLATE_LOOP = (
    '{% for p in map.points %}{% if p.url %}<a href="{{ p.url }}">{% else %}<g>{% endif %}<title>{{ p.label }}</title>'
    '<circle cx="{{ p.x }}" cy="{{ p.y }}" r="5" fill="{{ p.colour }}" class="map-school"></circle>'
    "{% if p.url %}</a>{% else %}</g>{% endif %}{% endfor %}"
)


def test_the_points_are_the_templates_markup() -> None:
    school_map = SchoolMap(
        900,
        640,
        [
            Point(1, "St Mary's & St John's", 12.5, 601.0, "#08519c", "St Mary's & St John's: 81.0%", "/schools/id/1/"),
            Point(2, 'The "New" <School>', 0.0, 3.3, "#bdbdbd", 'The "New" <School>: no value', ""),
            Point(3, "Alton", 450.1, 320.9, "#deebf7", "Alton: 4.0%", "/schools/id/3/?a=1&b=2"),
        ],
        [],
        [],
    )
    drawn = school_map.points_svg()
    assert drawn == Template(TEMPLATE_LOOP).render(Context({"map": school_map}))
    assert "&lt;School&gt;" in drawn and "<School>" not in drawn


def test_no_points_no_markup() -> None:
    assert SchoolMap(900, 640, [], [], []).points_svg() == ""
