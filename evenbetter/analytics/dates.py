"""Dates as the analytics compare them: midnight timestamps without a time zone.

Records arrive as ``datetime.date`` (from the database or a form), strings or pandas
datetimes; read through these, they compare alike. Pure; no Django.
"""

from __future__ import annotations

import datetime

import pandas as pd


def as_day(value: datetime.date) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def as_days(values: pd.Series) -> pd.Series:
    """Midnight timestamps, NaT where unknown."""
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.dt.normalize()
