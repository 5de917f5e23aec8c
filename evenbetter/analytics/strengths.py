"""Strengths and areas to develop: where a school stands out in its family, year after year.

Pure functions on pandas data frames; no Django.

An indicator is a **strength** when the school is in the top quarter of its family (it
does better than at least 75% of it) in its latest period and in most of the periods
looked at; an **area to develop** is the same in the bottom quarter. One good year is
not a strength: a school with a single period is listed only if that period is the only
one there is, and says so. A result resting on a small cohort is marked, because one
year of a handful of pupils says little. Only indicators that run one way (higher or
lower is better) count: context is not a strength.

**Strong in an area** (early reading, maths, attendance …: ``vocabulary.areas``) is this
same rule, read per area: a school is strong in an area when at least one of the area's
indicators is a strength of it by the rule above. It is the one meaning of "strong in an
area": the school page, matching, the evidence beside shared practice and the demo all
read it through ``strong_in_areas`` (``benchmarks.selectors.strong_in_area`` on the
Django side).

The words are written here so that every page and export says the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

STRENGTH, AREA_TO_DEVELOP = "strength", "area_to_develop"


@dataclass(frozen=True)
class StrengthSettings:
    top: float = 75.0  # does better than at least this share of its family
    bottom: float = 25.0  # does better than at most this share
    years: int = 3  # the periods looked at, the latest included
    # Of the periods looked at (with a family benchmark), at least this share must agree.
    consistency: float = 0.66


STRENGTH_COLUMNS = [
    "school_id",
    "indicator",
    "kind",
    "latest_period",
    "latest_value",
    "latest_percentile",
    "periods_in_quarter",
    "periods_seen",
    "consistent",
    "small_cohort",
]


def strengths_and_areas(benchmarks: pd.DataFrame, settings: StrengthSettings | None = None) -> pd.DataFrame:
    """Strengths and areas to develop from benchmarks.

    ``benchmarks``: ``school_id``, ``indicator``, ``period``, ``value``,
    ``family_percentile`` and ``small_cohort`` (optional), with periods that sort oldest
    first (``period_start`` when present), only for indicators with a direction. Returns
    one row per school and indicator that stands out, columns ``STRENGTH_COLUMNS``,
    strongest first within each school.
    """
    settings = settings or StrengthSettings()
    known = benchmarks[benchmarks["family_percentile"].notna()]
    if known.empty:
        return pd.DataFrame(columns=STRENGTH_COLUMNS)
    order = ["school_id", "indicator", "period_start" if "period_start" in known.columns else "period"]
    recent = known.sort_values(order).groupby(["school_id", "indicator"], sort=False).tail(settings.years)
    recent = recent.assign(
        top=recent["family_percentile"] >= settings.top,
        bottom=recent["family_percentile"] <= settings.bottom,
        small=recent["small_cohort"].fillna(False).astype(bool) if "small_cohort" in recent else False,
    )
    grouped = recent.groupby(["school_id", "indicator"], sort=False)
    summary = grouped.agg(
        latest_period=("period", "last"),
        latest_value=("value", "last"),
        latest_percentile=("family_percentile", "last"),
        latest_top=("top", "last"),
        latest_bottom=("bottom", "last"),
        top_count=("top", "sum"),
        bottom_count=("bottom", "sum"),
        periods_seen=("period", "size"),
        small_cohort=("small", "last"),
    ).reset_index()
    rows = []
    for kind, latest, count in (
        (STRENGTH, "latest_top", "top_count"),
        (AREA_TO_DEVELOP, "latest_bottom", "bottom_count"),
    ):
        share = summary[count] / summary["periods_seen"]
        picked = summary[summary[latest] & (share >= settings.consistency)].copy()
        picked["kind"] = kind
        picked["periods_in_quarter"] = picked[count].astype(int)
        picked["consistent"] = picked["periods_seen"] >= 2
        rows.append(picked)
    found = pd.concat(rows, ignore_index=True)
    if found.empty:
        return pd.DataFrame(columns=STRENGTH_COLUMNS)
    # Strongest first: consistent before one-year, then furthest from the middle.
    found["_extremity"] = (found["latest_percentile"] - 50).abs()
    found = found.sort_values(
        ["school_id", "kind", "consistent", "periods_in_quarter", "_extremity"],
        ascending=[True, False, False, False, False],
    )
    return found[STRENGTH_COLUMNS].reset_index(drop=True)


STRONG_IN_AREA_COLUMNS = ["area", *STRENGTH_COLUMNS]


def strong_in_areas(
    benchmarks: pd.DataFrame,
    area_indicators: Mapping[str, Sequence[str]],
    settings: StrengthSettings | None = None,
) -> pd.DataFrame:
    """Which schools are strong in which areas, with the evidence.

    A school is **strong in an area** when it is strong, by ``strengths_and_areas``' rule
    (top quarter of its family in its latest period and in most of the periods looked
    at), in at least one of the area's indicators. ``benchmarks`` as for
    ``strengths_and_areas``, with ``indicator`` holding the codes that
    ``area_indicators`` (area -> indicator codes) names. Returns one row per school, area
    and indicator that makes it strong there (its evidence), columns
    ``STRONG_IN_AREA_COLUMNS``, the strongest evidence first within each school and area.
    """
    found = strengths_and_areas(benchmarks, settings)
    found = found[found["kind"] == STRENGTH]
    pairs = pd.DataFrame(
        [(area, code) for area, codes in area_indicators.items() for code in codes], columns=["area", "indicator"]
    )
    if found.empty or pairs.empty:
        return pd.DataFrame(columns=STRONG_IN_AREA_COLUMNS)
    strong = found.merge(pairs, on="indicator")
    strong = strong.sort_values(
        ["school_id", "area", "consistent", "periods_in_quarter", "latest_percentile"],
        ascending=[True, True, False, False, False],
        kind="stable",
    )
    return strong[STRONG_IN_AREA_COLUMNS].reset_index(drop=True)


def years_in_quarter(row: pd.Series | Mapping[Any, Any]) -> str:
    """How often it was in the quarter, in words: "in the top quarter of its family in 3 of
    the last 3 years"."""
    quarter = "top" if row["kind"] == STRENGTH else "bottom"
    seen, inside = int(str(row["periods_seen"])), int(str(row["periods_in_quarter"]))
    if seen >= 2:
        return f"in the {quarter} quarter of its family in {inside} of the last {seen} years"
    return f"in the {quarter} quarter of its family in the only year held"


def _standing(row: pd.Series | dict[str, object]) -> str:
    percentile = float(str(row["latest_percentile"]))
    if row["kind"] == STRENGTH:
        return f"better than {percentile:.0f}% of similar schools"
    return f"behind {100 - percentile:.0f}% of similar schools"


def describe(row: pd.Series | dict[str, object], indicator_name: str, value_label: str) -> str:
    """The plain words for one strength or area to develop."""
    years = years_in_quarter(row)
    text = f"{indicator_name}: {years} ({row['latest_period']}: {value_label}, {_standing(row)})."
    if row.get("small_cohort"):
        text += " Small cohort: read with care."
    return text


def describe_briefly(row: pd.Series | dict[str, object], indicator_name: str, value_label: str) -> str:
    """The same at a glance, where the list's heading says it is a strength (or an area to
    develop) and links to the rule: the latest figure and where it stands, not how often."""
    text = f"{indicator_name}: {value_label} in {row['latest_period']}, {_standing(row)}."
    if row.get("small_cohort"):
        text += " Small cohort."
    return text
