"""Plausible clusters of neighbouring schools, for the demo only.

Real clusters are agreed by schools; the demo has none to hand, so it groups open
schools in a district with their nearest neighbours. Every cluster made here is marked
as generated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    key: int
    easting: float
    northing: float


def nearest_neighbour_groups(places: Sequence[Place], size: int) -> list[list[Place]]:
    """Split places into groups of about ``size`` near neighbours, deterministically.

    Starting from the westernmost place not yet grouped, take it and its nearest
    ungrouped neighbours; repeat. A last group smaller than half ``size`` joins the
    one before it.
    """
    remaining = sorted(places, key=lambda p: (p.easting, p.northing, p.key))
    groups: list[list[Place]] = []
    while remaining:
        seed = remaining[0]
        by_distance = sorted(
            remaining, key=lambda p: (math.hypot(p.easting - seed.easting, p.northing - seed.northing), p.key)
        )
        group = by_distance[:size]
        groups.append(group)
        taken = {p.key for p in group}
        remaining = [p for p in remaining if p.key not in taken]
    if len(groups) > 1 and len(groups[-1]) < size / 2:
        groups[-2].extend(groups.pop())
    return groups
