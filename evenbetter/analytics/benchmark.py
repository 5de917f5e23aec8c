"""Benchmarks: how a school's value compares with its family, its locality and all schools.

Pure functions on pandas data frames and numpy arrays; no Django.

For one indicator, each school and period gets:

- the family's **median and quartiles** (the members' values, the school itself left out);
- the school's **percentile** in its family, in its locality and among all schools of its
  phase, always read as "does better than this share of them" (ties count half), so
  that 100 is best whichever way the indicator runs; for context indicators, which run
  neither way, it is the share with a lower value;
- the **even-better target**: the family's upper quartile on the better side (the lower
  quartile where lower is better), and the gap from the school's value to it (zero once
  the school is there);
- an **absolute standard** beside the peer comparison, so that a weak family does not
  lower expectations: a fixed value when the indicator has one, otherwise the median of
  all schools of the phase that period;
- a **multi-year average** (up to ``years`` periods ending with this one) and a
  **small-cohort** flag when the pupils behind the value are too few to trust one year.

Quartiles are numpy's default ("linear", the same as a spreadsheet's PERCENTILE.INC).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evenbetter.vocabulary.directions import HIGHER, LOWER, NEITHER

BENCHMARK_COLUMNS = [
    "school_id",
    "period",
    "value",
    "family_count",
    "family_q1",
    "family_median",
    "family_q3",
    "family_percentile",
    "local_count",
    "local_percentile",
    "all_count",
    "all_percentile",
    "target",
    "gap_to_target",
    "standard",
    "average_value",
    "average_periods",
    "cohort",
    "small_cohort",
]


@dataclass(frozen=True)
class BenchmarkSettings:
    # Fewer family members with a value than this, and the family's figures are not given.
    min_family_values: int = 5
    # A cohort below this many pupils is too small to trust one year's figure.
    small_cohort: int = 11
    # Periods in the multi-year average, this one included.
    years: int = 3


@dataclass(frozen=True)
class FamilyMatrix:
    """Families as a matrix: row i holds the positions (in ``school_ids``) of school i's members.

    Rows are padded with -1 where a family is smaller than the widest one.
    """

    school_ids: np.ndarray
    members: np.ndarray

    @classmethod
    def from_members(cls, school_ids: list[int] | np.ndarray, members: pd.DataFrame) -> FamilyMatrix:
        """From a members frame (``school_id``, ``member_id``) as :func:`families.build_families` gives."""
        ids = np.asarray(sorted({int(i) for i in school_ids}), dtype=np.int64)
        position = pd.Series(np.arange(len(ids)), index=ids)
        known = members[members["school_id"].isin(position.index) & members["member_id"].isin(position.index)]
        if "rank" in known.columns:
            known = known.sort_values(["school_id", "rank"])
        rows = position.loc[known["school_id"].to_numpy()].to_numpy()
        cols = position.loc[known["member_id"].to_numpy()].to_numpy()
        width = int(np.bincount(rows, minlength=len(ids)).max()) if len(rows) else 0
        matrix = np.full((len(ids), max(width, 1)), -1, dtype=np.int64)
        # The k-th member of each school goes in column k.
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, rows, side="left")
        matrix[rows, np.arange(len(rows)) - starts] = cols
        return cls(ids, matrix)


def better_share(value: float, others: np.ndarray, direction: str) -> float:
    """The share (0-100) of ``others`` that ``value`` does better than, ties counting half."""
    others = others[~np.isnan(others)]
    if not len(others) or np.isnan(value):
        return float("nan")
    if direction == LOWER:
        below, ties = (others > value).sum(), (others == value).sum()
    else:
        below, ties = (others < value).sum(), (others == value).sum()
    return float(100.0 * (below + 0.5 * ties) / len(others))


def _group_percentiles(values: np.ndarray, groups: np.ndarray, direction: str) -> tuple[np.ndarray, np.ndarray]:
    """Each school's share of the *other* schools in its group that it does better than,
    and how many others there are with a value. ``groups``: each school's group as a whole
    number (``_group_codes``), -1 for none (no share, no others).

    The share is the school's rank among its group's values, ties sharing the average rank
    (as ``pandas``' ``rank(method="average")``), over the others: all groups at once in numpy,
    from one sort by group then value (a pandas groupby per call cost 5 ms, and it is called
    twice for every indicator and period of the refresh)."""
    ordered_values = values if direction != LOWER else -values
    percentile = np.full(len(values), np.nan)
    others = np.zeros(len(values), dtype=np.int64)
    rows = np.flatnonzero(~np.isnan(ordered_values) & (groups >= 0))
    if not len(rows):
        return percentile, others
    order = np.lexsort((ordered_values[rows], groups[rows]))
    rows = rows[order]
    group, value = groups[rows], ordered_values[rows]
    position = np.arange(len(rows))
    group_starts = np.r_[True, group[1:] != group[:-1]]
    run_starts = group_starts | np.r_[True, value[1:] != value[:-1]]  # a run: equal values of one group
    first_of_group = np.maximum.accumulate(np.where(group_starts, position, 0))
    run = np.cumsum(run_starts) - 1
    run_first = np.flatnonzero(run_starts)
    run_last = np.r_[run_first[1:], len(rows)] - 1
    rank = (run_first + run_last)[run] / 2.0 - first_of_group  # 0 for the lowest
    count = np.bincount(group)[group]
    with np.errstate(divide="ignore", invalid="ignore"):
        percentile[rows] = np.where(count > 1, 100.0 * rank / (count - 1), np.nan)
    others[rows] = count - 1
    return percentile, others


def _group_codes(labels: np.ndarray | pd.Series) -> np.ndarray:
    """Each label as a whole number, the same for equal labels; -1 for a missing label."""
    return pd.factorize(pd.Series(labels), use_na_sentinel=True)[0].astype(np.int64)


def _wide(observations: pd.DataFrame, column: str, ids: np.ndarray, periods: list[object]) -> np.ndarray:
    """One row per school (``ids``' order), one column per period (``periods``' order): a
    school's first known value of ``column`` for the period, NaN for none (what ``pivot_table``
    with ``aggfunc="first"`` gives, without its groupby: it cost 8 ms a call). Every school and
    period of ``observations`` must be among ``ids`` and ``periods``."""
    known = observations[observations[column].notna()].drop_duplicates(["school_id", "period"])
    rows = pd.Index(ids).get_indexer(pd.Index(known["school_id"]))
    columns = pd.Index(periods).get_indexer(pd.Index(known["period"]))
    wide = np.full((len(ids), len(periods)), np.nan)
    wide[rows, columns] = known[column].to_numpy(dtype=float)
    return wide


def _group_medians(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each school's group's median of the known values (NaN for a group with none, or no group)."""
    medians = np.full(groups.max(initial=-1) + 2, np.nan)  # the last stays NaN: group -1 reads it
    for group in range(len(medians) - 1):
        known = values[(groups == group) & ~np.isnan(values)]
        if len(known):
            medians[group] = np.median(known)
    return medians[groups]


def percentiles_among(values: np.ndarray, direction: str) -> np.ndarray:
    """Each value's share (0-100) of the *other* values that it does better than, ties half."""
    values = np.asarray(values, dtype=float)
    return _group_percentiles(values, np.zeros(len(values), dtype=np.int64), direction)[0]


def _row_quantile(rows: np.ndarray, count: np.ndarray, q: float) -> np.ndarray:
    """Each row's quantile over its known values, interpolated linearly (numpy's default),
    for all rows at once: ``np.nanquantile`` along an axis goes row by row."""
    ordered = np.sort(rows, axis=1)  # NaN sorts last
    position = q * np.maximum(count - 1, 0)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(count - 1, 0))
    below = np.take_along_axis(ordered, low[:, None], axis=1)[:, 0]
    above = np.take_along_axis(ordered, high[:, None], axis=1)[:, 0]
    result = below + (above - below) * (position - low)
    return np.where(count > 0, result, np.nan)


def _family_stats(
    values: np.ndarray, matrix: FamilyMatrix, direction: str, min_values: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    padded = np.append(values, np.nan)  # position -1 reads the trailing NaN
    family = padded[matrix.members]
    count = (~np.isnan(family)).sum(axis=1)
    enough = count >= max(min_values, 1)
    q1, median, q3 = (np.where(enough, _row_quantile(family, count, q), np.nan) for q in (0.25, 0.5, 0.75))
    own = values[:, None]
    if direction == LOWER:
        below, ties = (family > own).sum(axis=1), (family == own).sum(axis=1)
    else:
        below, ties = (family < own).sum(axis=1), (family == own).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        percentile = np.where(enough & ~np.isnan(values), 100.0 * (below + 0.5 * ties) / count, np.nan)
    return count, q1, median, q3, percentile


def benchmark_indicator(
    observations: pd.DataFrame,
    schools: pd.DataFrame,
    families: FamilyMatrix,
    *,
    direction: str,
    standard: float | None = None,
    settings: BenchmarkSettings | None = None,
) -> pd.DataFrame:
    """Benchmarks for one indicator, for every school and period with a value.

    ``observations``: ``school_id``, ``period``, ``value`` and optionally ``cohort`` (the
    pupils the value rests on); periods must sort oldest first (``period_start`` is used
    to order them when present). ``schools``: ``school_id``, ``phase`` and ``locality``
    (any label; blank or missing means none). ``families``: every school's family.
    Returns one row per school and period with a value, columns ``BENCHMARK_COLUMNS``.
    """
    settings = settings or BenchmarkSettings()
    if direction not in (HIGHER, LOWER, NEITHER):
        raise ValueError(f"unknown direction {direction!r}")
    ids = families.school_ids
    position = pd.Series(np.arange(len(ids)), index=ids)
    observations = observations[observations["school_id"].isin(position.index)]
    if observations.empty:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    info = schools.set_index("school_id").reindex(ids)
    phases = info["phase"].fillna("").astype(str).to_numpy()
    localities = (
        info["locality"].fillna("").astype(str).to_numpy()
        if "locality" in info.columns
        else np.full(len(ids), "", dtype=object)
    )
    order_key = "period_start" if "period_start" in observations.columns else "period"
    periods = observations.drop_duplicates("period").sort_values(order_key)["period"].tolist()
    # One row per school, one column per period.
    wide = _wide(observations, "value", ids, periods)
    cohorts = _wide(observations, "cohort", ids, periods) if "cohort" in observations.columns else None
    # The groups, the same for every period: phases, and phase with locality (none without a locality).
    phase_codes = _group_codes(phases)
    no_locality = localities == ""
    local_codes = _group_codes((pd.Series(phases) + "|" + pd.Series(localities)).mask(no_locality))
    frames = []
    for column, period in enumerate(periods):
        values = wide[:, column]
        has = ~np.isnan(values)
        if not has.any():
            continue
        count, q1, median, q3, family_pct = _family_stats(values, families, direction, settings.min_family_values)
        all_pct, all_count = _group_percentiles(values, phase_codes, direction)
        local_pct, local_count = _group_percentiles(values, local_codes, direction)
        if direction == HIGHER:
            target, gap = q3, np.maximum(q3 - values, 0.0)
        elif direction == LOWER:
            target, gap = q1, np.maximum(values - q1, 0.0)
        else:
            target = gap = np.full(len(values), np.nan)
        if standard is not None:
            standards = np.full(len(values), float(standard))
        else:
            standards = _group_medians(values, phase_codes) if direction != NEITHER else np.full(len(values), np.nan)
        window = wide[:, max(0, column - settings.years + 1) : column + 1]
        average_periods = (~np.isnan(window)).sum(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a school with no value in the window
            average = np.nanmean(window, axis=1)
        cohort = cohorts[:, column] if cohorts is not None else np.full(len(values), np.nan)
        small = ~np.isnan(cohort) & (cohort < settings.small_cohort)
        frame = pd.DataFrame(
            {
                "school_id": ids,
                "period": period,
                "value": values,
                "family_count": count,
                "family_q1": q1,
                "family_median": median,
                "family_q3": q3,
                "family_percentile": family_pct,
                "local_count": local_count,
                "local_percentile": local_pct,
                "all_count": all_count,
                "all_percentile": all_pct,
                "target": target,
                "gap_to_target": gap,
                "standard": standards,
                "average_value": average,
                "average_periods": average_periods,
                "cohort": cohort,
                "small_cohort": small,
            }
        )
        frames.append(frame[has])
    if not frames:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    return pd.concat(frames, ignore_index=True)[BENCHMARK_COLUMNS]


def benchmark_against(
    value: float, members: np.ndarray, *, direction: str, min_values: int = 5
) -> dict[str, float | int | None]:
    """One value against one group of schools' values: for a comparator set a user built."""
    members = np.asarray(members, dtype=float)
    members = members[~np.isnan(members)]
    count = len(members)
    if count < max(min_values, 1):
        return {"count": count, "q1": None, "median": None, "q3": None, "percentile": None, "target": None}
    q1, median, q3 = (float(v) for v in np.quantile(members, [0.25, 0.5, 0.75]))
    target = q3 if direction == HIGHER else q1 if direction == LOWER else None
    percentile = better_share(value, members, direction) if value is not None and not np.isnan(value) else None
    return {"count": count, "q1": q1, "median": median, "q3": q3, "percentile": percentile, "target": target}


def standing_words(percentile: float, direction: str) -> str:
    """A family percentile (the share of similar schools a value does better than, as
    ``benchmark_indicator`` gives it) in words a headteacher reads, the way the indicator runs.

    >>> standing_words(20.0, LOWER)
    'higher than most similar schools (worse than 8 in 10)'
    >>> standing_words(70.0, HIGHER)
    'higher than most similar schools (better than 7 in 10)'
    >>> standing_words(2.0, HIGHER)
    'lower than most similar schools (worse than almost all of them)'
    >>> standing_words(50.0, HIGHER)
    'about the middle of similar schools'
    >>> standing_words(80.0, NEITHER)
    'higher than 8 in 10 similar schools'
    """
    if direction == NEITHER:
        return f"higher than {int(percentile / 10 + 0.5)} in 10 similar schools"
    worse_side, better_side = ("higher", "lower") if direction == LOWER else ("lower", "higher")
    behind = 100.0 - percentile
    if abs(behind - 50.0) < 5.0:
        return "about the middle of similar schools"
    if behind > 50.0:
        tenths = int(behind / 10 + 0.5)
        share = "almost all of them" if tenths >= 10 else f"{tenths} in 10"
        return f"{worse_side} than most similar schools (worse than {share})"
    tenths = int(percentile / 10 + 0.5)
    share = "almost all of them" if tenths >= 10 else f"{tenths} in 10"
    return f"{better_side} than most similar schools (better than {share})"
