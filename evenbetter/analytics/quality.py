"""Data quality: how far the evidence about each school can be trusted.

Pure functions on pandas data frames; no Django. The inputs are

- ``observations``: one row per value, columns ``school_id``, ``indicator``, ``period``,
  ``period_start`` (sortable), ``value`` (float or NaN) and ``status`` ("value",
  "suppressed" or "missing");
- ``schools``: columns ``school_id`` and ``phase`` (schools are compared with their phase);
- ``disputed``: the ``school_id`` of each open dispute (one row per disputed value).

Four measures, each between 0 and 1, and a score that weighs them:

- **completeness**: of the values most schools of the same phase have (an indicator in
  a period reported for at least half of them), the share the school has. A suppressed
  value counts as present: it is known, only too small to publish;
- **timeliness**: of the school's indicators, the share whose latest value is for the
  latest period any school of its phase has;
- **plausibility**: one minus the share of the school's values that are outliers, against
  its peers in the same period (robust z-score above 3.5) or against its own previous
  value (a change whose robust z-score among the peers' changes is above 3.5);
- **agreement**: one minus the share of its values the school disputes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

OUTLIER_Z = 3.5
# The constant that makes the median absolute deviation estimate a standard deviation.
MAD_SCALE = 1.4826
MIN_PEERS = 5
WEIGHTS = {"completeness": 0.4, "timeliness": 0.3, "plausibility": 0.2, "agreement": 0.1}


@dataclass(frozen=True)
class QualityReport:
    per_school: pd.DataFrame  # school_id, completeness, timeliness, plausibility, agreement, score, values
    outliers: pd.DataFrame  # school_id, indicator, period, value, reason
    per_indicator: pd.DataFrame  # indicator, latest_period, schools_with_value, coverage, outliers


def robust_z(values: pd.Series) -> pd.Series:
    """(x - median) / (1.4826 * MAD); NaN where the spread is zero or peers are too few."""
    present = values.dropna()
    if len(present) < MIN_PEERS:
        return pd.Series(np.nan, index=values.index)
    median = present.median()
    mad = (present - median).abs().median() * MAD_SCALE
    if not mad:
        return pd.Series(np.nan, index=values.index)
    return (values - median) / mad


def robust_z_within(frame: pd.DataFrame, column: str, keys: list[str]) -> pd.Series:
    """:func:`robust_z` of ``column`` within each group of ``keys``, worked out for every group
    at once (the same figures as ``frame.groupby(keys)[column].transform(robust_z)``, which
    calls Python once per group: seconds on a national file)."""
    values = frame[column]
    # The groups numbered once (a row with a missing key in none: NaN, left out as groupby
    # leaves it out), not the keys' strings hashed again by each of the three groupbys.
    by = frame.groupby(keys, sort=False).ngroup().to_numpy()
    median = values.groupby(by, sort=False).transform("median")
    deviation = values - median
    mad = deviation.abs().groupby(by, sort=False).transform("median") * MAD_SCALE
    peers = values.groupby(by, sort=False).transform("count")
    return (deviation / mad).where((peers >= MIN_PEERS) & (mad != 0) & mad.notna())


def _with_phase(observations: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    frame = observations.merge(schools[["school_id", "phase"]], on="school_id", how="left")
    frame["phase"] = frame["phase"].fillna("")
    return frame


def completeness(observations: pd.DataFrame, schools: pd.DataFrame) -> pd.Series:
    frame = _with_phase(observations, schools)
    present = frame[frame["status"].isin(["value", "suppressed"])]
    phase_sizes = schools.assign(phase=schools["phase"].fillna("")).groupby("phase")["school_id"].nunique()
    reported = (
        present.groupby(["phase", "indicator", "period"])["school_id"].nunique().rename("reporting").reset_index()
    )
    reported["phase_size"] = reported["phase"].map(phase_sizes)
    expected = reported[reported["reporting"] * 2 >= reported["phase_size"]][["phase", "indicator", "period"]]
    school_phase = schools.assign(phase=schools["phase"].fillna(""))[["school_id", "phase"]]
    wanted = school_phase.merge(expected, on="phase")
    if wanted.empty:
        return pd.Series(dtype=float, name="completeness")
    have = present[["school_id", "indicator", "period"]].drop_duplicates().assign(have=True)
    wanted = wanted.merge(have, on=["school_id", "indicator", "period"], how="left")
    return (
        wanted.groupby("school_id")["have"].apply(lambda h: h.fillna(False).astype(bool).mean()).rename("completeness")
    )


def timeliness(observations: pd.DataFrame, schools: pd.DataFrame) -> pd.Series:
    frame = _with_phase(observations[observations["status"] != "missing"], schools)
    if frame.empty:
        return pd.Series(dtype=float, name="timeliness")
    # Periods by their place in time (whole numbers: pandas takes the largest of dates or
    # strings row by row in Python, seconds on a national file).
    places, _ = pd.factorize(frame["period_start"], sort=True)
    frame = frame.assign(period_start=np.where(places < 0, np.nan, places))
    latest_for_phase = frame.groupby(["phase", "indicator"])["period_start"].max().rename("phase_latest")
    latest_for_school = frame.groupby(["school_id", "phase", "indicator"])["period_start"].max().rename("school_latest")
    joined = latest_for_school.reset_index().join(latest_for_phase, on=["phase", "indicator"])
    joined["current"] = joined["school_latest"] >= joined["phase_latest"]
    return joined.groupby("school_id")["current"].mean().rename("timeliness")


def outliers(observations: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    frame = _with_phase(observations[observations["status"] == "value"].dropna(subset=["value"]), schools)
    columns = ["school_id", "indicator", "period", "value", "reason"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.sort_values(["school_id", "indicator", "period_start"])
    frame["peer_z"] = robust_z_within(frame, "value", ["phase", "indicator", "period"])
    frame["change"] = frame.groupby(["school_id", "indicator"])["value"].diff()
    frame["change_z"] = robust_z_within(frame, "change", ["phase", "indicator", "period"])
    peer = frame["peer_z"].abs() > OUTLIER_Z
    jump = frame["change_z"].abs() > OUTLIER_Z
    flagged = frame[peer | jump].copy()
    flagged["reason"] = np.where(
        peer[peer | jump] & jump[peer | jump],
        "far from its peers and a jump from its own last value",
        np.where(peer[peer | jump], "far from its peers in the same period", "a jump from its own last value"),
    )
    return flagged[columns].reset_index(drop=True)


def quality_report(observations: pd.DataFrame, schools: pd.DataFrame, disputed: pd.DataFrame) -> QualityReport:
    per_school = pd.DataFrame({"school_id": schools["school_id"].unique()}).set_index("school_id")
    values_held = observations.groupby("school_id").size().rename("values")
    found = outliers(observations, schools)
    outlier_counts = found.groupby("school_id").size()
    dispute_counts = disputed.groupby("school_id").size() if not disputed.empty else pd.Series(dtype=float)
    per_school = (
        per_school.join(values_held).join(completeness(observations, schools)).join(timeliness(observations, schools))
    )
    per_school["values"] = per_school["values"].fillna(0).astype(int)
    held = per_school["values"].replace(0, np.nan)
    per_school["plausibility"] = 1 - outlier_counts.reindex(per_school.index).fillna(0) / held
    per_school["agreement"] = 1 - dispute_counts.reindex(per_school.index).fillna(0) / held
    # A school the platform holds nothing about has no evidence to have confidence in.
    per_school[list(WEIGHTS)] = per_school[list(WEIGHTS)].fillna(0.0).clip(0, 1)
    per_school["score"] = sum(per_school[name] * weight for name, weight in WEIGHTS.items()) * 100
    return QualityReport(per_school.reset_index(), found, _per_indicator(observations, found))


def _per_indicator(observations: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    if observations.empty:
        return pd.DataFrame(columns=["indicator", "latest_period", "schools_with_value", "outliers"])
    latest = observations.sort_values("period_start").groupby("indicator")["period"].last().rename("latest_period")
    last = observations.merge(latest.reset_index(), on="indicator")
    last = last[(last["period"] == last["latest_period"]) & (last["status"] == "value")]
    with_value = last.groupby("indicator")["school_id"].nunique().rename("schools_with_value")
    outlier_counts = found.groupby("indicator").size().rename("outliers")
    table = pd.concat([latest, with_value, outlier_counts], axis=1).fillna({"schools_with_value": 0, "outliers": 0})
    table[["schools_with_value", "outliers"]] = table[["schools_with_value", "outliers"]].astype(int)
    return table.reset_index(names="indicator")
