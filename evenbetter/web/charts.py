"""Small charts drawn on the server as SVG: no JavaScript, no CDN, readable when printed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value_label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[ChartPoint]
    path: str
    baseline: int


def line_chart(
    values: list[tuple[str, float]],
    formatter: object,
    *,
    width: int = 260,
    height: int = 90,
    pad: int = 14,
) -> LineChart | None:
    """Coordinates for a line of (period, value) points, oldest first; None when empty."""
    if not values:
        return None
    numbers = [value for _, value in values]
    low, high = min(numbers), max(numbers)
    if high == low:
        low, high = low - 1, high + 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    fmt = formatter if callable(formatter) else str
    points = [
        ChartPoint(
            x=round(pad + (index * step if len(values) > 1 else (width - 2 * pad) / 2), 1),
            y=round(height - pad - (value - low) / (high - low) * (height - 2 * pad), 1),
            label=period,
            value_label=str(fmt(value)),
        )
        for index, (period, value) in enumerate(values)
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    return LineChart(width, height, points, path, height - pad)
