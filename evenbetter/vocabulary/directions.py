"""Which way is better for an indicator. The database stores these strings
(``Indicator.Direction``'s values), the analytics compare against them."""

from __future__ import annotations

HIGHER = "higher"
LOWER = "lower"
NEITHER = "neither"

DIRECTION_NAMES: dict[str, str] = {
    HIGHER: "Higher is better",
    LOWER: "Lower is better",
    NEITHER: "Neither (context)",
}
