"""Concerns counted over a window: how many live concerns were raised about each school in the
term before a day (pure pandas; the concerns app feeds it its rows)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# A term, roughly: the 120 days before the day counted.
TERM_DAYS = 120


def concerns_in_window(
    concerns: pd.DataFrame, school_ids: list[int], as_of: dt.date, days: int = TERM_DAYS
) -> pd.Series:
    """For each of ``school_ids``, the concerns (rows of ``school_id``, ``raised_on``: a date)
    raised in the ``days`` up to and including ``as_of``; 0 for a school with none."""
    counts = pd.Series(0, index=pd.Index(sorted(set(school_ids)), name="school_id"), dtype="int64")
    if concerns.empty:
        return counts
    start = as_of - dt.timedelta(days=days - 1)
    raised = pd.to_datetime(concerns["raised_on"]).dt.date
    within = concerns[(raised >= start) & (raised <= as_of)]
    found = within.groupby("school_id").size()
    found = found[found.index.isin(counts.index)]
    counts.loc[found.index] = found.to_numpy()
    return counts
