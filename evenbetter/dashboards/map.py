"""A map of schools drawn on the server as SVG: Web Mercator, fitted to the schools shown,
coloured by an indicator in five bands. It needs no internet; map tiles underneath are
optional (``EVENBETTER_MAP_TILES``, a URL template with {z}, {x} and {y})."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from django.utils.safestring import SafeString, mark_safe

TILE = 256
# Five colours from light to dark (a sequential, colour-blind-safe blue ramp): dark = better.
RAMP = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NO_VALUE = "#bdbdbd"


def mercator(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Pixel coordinates of a point at a zoom level (as map tiles use them)."""
    scale = TILE * 2**zoom
    lat = max(min(lat, 85.0511), -85.0511)
    x = (lon + 180.0) / 360.0 * scale
    y = (1.0 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2.0 * scale
    return x, y


@dataclass(frozen=True)
class Point:
    school_id: int
    name: str
    x: float
    y: float
    colour: str
    label: str
    url: str


@dataclass(frozen=True)
class Tile:
    x: float
    y: float
    href: str


@dataclass(frozen=True)
class SchoolMap:
    width: float
    height: float
    points: list[Point]
    tiles: list[Tile]
    bands: list[tuple[str, str]]  # (colour, "from – to")

    def points_svg(self) -> SafeString:
        """Every school's circle, named by its ``<title>`` and linked to its page when the reader
        may open it: the markup the template drew point by point, written here in one pass
        (all England is 24,000 points; the template's loop was most of the page's time)."""
        parts = []
        for p in self.points:
            circle = (
                f"<title>{escape(p.label)}</title>"
                f'<circle cx="{p.x}" cy="{p.y}" r="5" fill="{escape(p.colour)}" class="map-school"></circle>'
            )
            parts.append(f'<a href="{escape(p.url)}">{circle}</a>' if p.url else f"<g>{circle}</g>")
        return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def band_edges(values: list[float]) -> list[float]:
    """Quintile edges of the values shown (so each colour holds about a fifth of schools)."""
    return [float(v) for v in np.quantile(np.asarray(values, dtype=float), [0.2, 0.4, 0.6, 0.8])] if values else []


def draw(
    schools: Sequence[tuple[int, str, float | None, float | None, float | None, str, str]],
    *,
    higher_is_better: bool | None,
    fmt: str = "{:.1f}",
    width: int = 900,
    height: int = 640,
    tiles: str = "",
) -> SchoolMap:
    """``schools``: (id, name, latitude, longitude, value or None, label, url)."""
    placed = [
        (i, n, float(lat), float(lon), v, lab, u)
        for i, n, lat, lon, v, lab, u in schools
        if lat is not None and lon is not None
    ]
    if not placed:
        return SchoolMap(width, height, [], [], [])
    lats = [s[2] for s in placed]
    lons = [s[3] for s in placed]
    zoom = 5
    for z in range(14, 4, -1):
        x0, y0 = mercator(max(lats), min(lons), z)
        x1, y1 = mercator(min(lats), max(lons), z)
        if x1 - x0 <= width - 40 and y1 - y0 <= height - 40:
            zoom = z
            break
    x0, y0 = mercator(max(lats), min(lons), zoom)
    x1, y1 = mercator(min(lats), max(lons), zoom)
    ox, oy = x0 - (width - (x1 - x0)) / 2, y0 - (height - (y1 - y0)) / 2
    values = [float(s[4]) for s in placed if s[4] is not None]
    edges = band_edges(values)
    ramp = RAMP if higher_is_better is not False else RAMP[::-1]

    def colour(value: float | None) -> str:
        if value is None:
            return NO_VALUE
        return ramp[int(np.searchsorted(edges, value, side="right"))]

    points = []
    for school_id, name, lat, lon, value, label, url in placed:
        x, y = mercator(lat, lon, zoom)
        points.append(Point(school_id, name, round(x - ox, 1), round(y - oy, 1), colour(value), label, url))
    bounds = [min(values), *edges, max(values)] if values else []
    bands = [(ramp[i], f"{fmt.format(bounds[i])} – {fmt.format(bounds[i + 1])}") for i in range(len(bounds) - 1)]
    tile_list: list[Tile] = []
    if tiles:
        for tx in range(int(ox // TILE), int((ox + width) // TILE) + 1):
            for ty in range(int(oy // TILE), int((oy + height) // TILE) + 1):
                href = tiles.replace("{z}", str(zoom)).replace("{x}", str(tx)).replace("{y}", str(ty))
                tile_list.append(Tile(round(tx * TILE - ox, 1), round(ty * TILE - oy, 1), href))
    return SchoolMap(width, height, points, tile_list, bands)
