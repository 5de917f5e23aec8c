"""The figures of the system and locality dashboards, from school-level values.

Pure functions on pandas data frames; no Django.

- :func:`spread_by_period`: for each period, how many schools have a value, and their
  spread — lower quartile, median, upper quartile (linear interpolation, as
  ``numpy.percentile``'s default) — and the **overall** figure: the mean over schools
  weighted by each school's cohort where a cohort is known (so it reads as "of all the
  pupils in these schools", the way the DfE reports a local authority), else the plain
  mean over schools (``weighted`` says which).
- :func:`gap_by_period`: the disadvantaged gap — the cohort-weighted rate of other pupils
  minus that of disadvantaged pupils, over the schools with both (positive = disadvantaged
  pupils behind).
- :func:`count_by`: how many schools fall in each category (grade, band), in a given order,
  with those not known counted apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

SPREAD_COLUMNS = ["period", "schools", "q1", "median", "q3", "overall", "weighted"]
GAP_COLUMNS = ["period", "schools", "disadvantaged", "others", "gap"]


def _clean(values: pd.DataFrame) -> pd.DataFrame:
    frame = values[["school_id", "period", "value"]].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.dropna(subset=["value"])


def spread_by_period(values: pd.DataFrame, cohorts: pd.DataFrame | None = None) -> pd.DataFrame:
    """``values``: school_id, period, value. ``cohorts`` (optional): school_id, period,
    value = pupils in the measure; a school without a cohort in a period then counts in the
    spread but not in the weighted overall figure. One row per period, oldest first."""
    frame = _clean(values)
    if cohorts is not None and not cohorts.empty:
        sizes = _clean(cohorts).rename(columns={"value": "cohort"})[["school_id", "period", "cohort"]]
        frame = frame.merge(sizes, on=["school_id", "period"], how="left")
    else:
        frame["cohort"] = np.nan
    rows = []
    for period, group in frame.groupby("period", sort=True):
        numbers = group["value"].to_numpy(dtype=float)
        q1, median, q3 = np.percentile(numbers, [25, 50, 75])
        sized = group[(group["cohort"] > 0) & group["cohort"].notna()]
        if len(sized):
            overall = float(np.average(sized["value"], weights=sized["cohort"]))
            weighted = True
        else:
            overall, weighted = float(numbers.mean()), False
        rows.append([period, len(numbers), float(q1), float(median), float(q3), overall, weighted])
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS)


def gap_by_period(
    disadvantaged: pd.DataFrame,
    disadvantaged_pupils: pd.DataFrame,
    others: pd.DataFrame,
    other_pupils: pd.DataFrame,
) -> pd.DataFrame:
    """Each frame: school_id, period, value. Only school-periods with all four count."""
    keys = ["school_id", "period"]
    frame = (
        _clean(disadvantaged)
        .rename(columns={"value": "d_rate"})
        .merge(_clean(disadvantaged_pupils).rename(columns={"value": "d_n"}), on=keys)
        .merge(_clean(others).rename(columns={"value": "o_rate"}), on=keys)
        .merge(_clean(other_pupils).rename(columns={"value": "o_n"}), on=keys)
    )
    rows = []
    for period, group in frame.groupby("period", sort=True):
        d_n, o_n = group["d_n"].sum(), group["o_n"].sum()
        if d_n <= 0 or o_n <= 0:
            continue
        d_rate = float((group["d_rate"] * group["d_n"]).sum() / d_n)
        o_rate = float((group["o_rate"] * group["o_n"]).sum() / o_n)
        rows.append([period, len(group), d_rate, o_rate, o_rate - d_rate])
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def count_by(
    categories: Iterable[object], order: Sequence[str], *, unknown: str = "Not known"
) -> list[tuple[str, int]]:
    """(category, schools) in ``order``, then any other category met, then the unknown (none,
    NaN or blank). The values are counted as they come (``Counter``, in C), then each distinct
    value is tidied once: all England is 24,000 schools and a dozen categories (pandas' string
    methods, then tidying every value in Python, were most of the dashboard's time)."""
    counts: Counter[str] = Counter()
    missing = 0
    for value, n in Counter(categories).items():
        text = "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)
        text = text.strip()
        if text:
            counts[text] += n
        else:
            missing += n
    result = [(name, int(counts.pop(name, 0))) for name in order]
    result += [(name, int(n)) for name, n in sorted(counts.items())]
    if missing:
        result.append((unknown, missing))
    return result
