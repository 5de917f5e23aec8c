"""Examples: one row of features per school as at a period, read strictly from before the
outcome, and the outcome itself (see the package docstring, "Nothing from the future")."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from evenbetter.analytics.risk.settings import (
    _TOLERANCE,
    BASELINES,
    FEATURE_INFO_COLUMNS,
    INDICATOR_FALL,
    Outcome,
    RiskData,
    RiskSettings,
)
from evenbetter.vocabulary.directions import HIGHER, LOWER, NEITHER
from evenbetter.vocabulary.periods import academic_year_end, start_year

# --- The inputs, checked once ----------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} has no column {', '.join(missing)}; it needs {', '.join(columns)}")


@dataclass(frozen=True, eq=False)
class _Frames:
    """The inputs with periods as strings and values as floats; later duplicates win."""

    observations: pd.DataFrame
    inspections: pd.DataFrame
    extra: pd.DataFrame
    directions: Mapping[str, str]
    periods: list[str]
    lags: Mapping[str, int]
    groups: pd.DataFrame | None

    @classmethod
    def of(cls, data: RiskData) -> _Frames:
        _require(data.observations, ["school_id", "indicator", "period", "value"], "observations")
        observations = pd.DataFrame(
            {
                "school_id": data.observations["school_id"].to_numpy(),
                "indicator": data.observations["indicator"].astype(str).to_numpy(),
                "period": data.observations["period"].astype(str).to_numpy(),
                "value": pd.to_numeric(data.observations["value"], errors="coerce").to_numpy(dtype=float),
            }
        )
        observations = observations[observations["value"].notna()]
        observations = observations.drop_duplicates(["school_id", "indicator", "period"], keep="last")
        if data.inspections is not None:
            _require(data.inspections, ["school_id", "period", "grade"], "inspections")
            dates = (
                pd.to_datetime(data.inspections["date"], errors="coerce")
                if "date" in data.inspections.columns
                else pd.Series(pd.NaT, index=data.inspections.index, dtype="datetime64[ns]")
            )
            inspections = pd.DataFrame(
                {
                    "school_id": data.inspections["school_id"].to_numpy(),
                    "period": data.inspections["period"].astype(str).to_numpy(),
                    "grade": pd.to_numeric(data.inspections["grade"], errors="coerce").to_numpy(dtype=float),
                    "date": dates.to_numpy(dtype="datetime64[ns]"),
                }
            )
            inspections = inspections[inspections["grade"].between(1, 4)]
            # In time order: by period, then by day where known, the worse grade last when two
            # share a day (or a period without days).
            inspections = inspections.sort_values(
                ["period", "date", "grade"], na_position="first", kind="stable"
            ).reset_index(drop=True)
        else:
            inspections = pd.DataFrame(
                {
                    "school_id": pd.Series(dtype="int64"),
                    "period": pd.Series(dtype="str"),
                    "grade": pd.Series(dtype="float64"),
                    "date": pd.Series(dtype="datetime64[ns]"),
                }
            )
        if data.extra_features is not None:
            _require(data.extra_features, ["school_id", "period", "feature", "value"], "extra_features")
            extra = pd.DataFrame(
                {
                    "school_id": data.extra_features["school_id"].to_numpy(),
                    "period": data.extra_features["period"].astype(str).to_numpy(),
                    "feature": data.extra_features["feature"].astype(str).to_numpy(),
                    "value": pd.to_numeric(data.extra_features["value"], errors="coerce").to_numpy(dtype=float),
                }
            )
            extra = extra[extra["value"].notna()].drop_duplicates(["school_id", "period", "feature"], keep="last")
        else:
            extra = pd.DataFrame(
                {
                    "school_id": pd.Series(dtype="int64"),
                    "period": pd.Series(dtype="str"),
                    "feature": pd.Series(dtype="str"),
                    "value": pd.Series(dtype="float64"),
                }
            )
        periods = sorted(
            set(observations["period"].tolist()) | set(inspections["period"].tolist()) | set(extra["period"].tolist())
        )
        lags = {str(indicator): int(lag) for indicator, lag in data.publication_lags.items()}
        if any(lag < 0 for lag in lags.values()):
            raise ValueError("a publication lag cannot be negative: a value is never published before its period")
        groups = None
        if data.groups is not None:
            _require(data.groups, ["school_id", "group"], "groups")
            groups = pd.DataFrame(
                {
                    "school_id": data.groups["school_id"].to_numpy(),
                    "group": data.groups["group"].astype(str).to_numpy(),
                    "period": (data.groups["period"].astype(str).to_numpy() if "period" in data.groups.columns else ""),
                }
            )
        return cls(observations, inspections, extra, dict(data.directions), periods, lags, groups)

    @cached_property
    def coded(self) -> _CodedObservations:
        """The observations' columns as numpy arrays, worked out once for every period's
        examples (a run builds one set per period it learns from: each would otherwise
        compare and look up the same half a million strings again)."""
        indicators = sorted(set(self.observations["indicator"].tolist()))
        return _CodedObservations(
            school_id=self.observations["school_id"].to_numpy(),
            indicator=pd.Index(indicators).get_indexer(pd.Index(self.observations["indicator"])),
            indicators=indicators,
            # Every period of the observations is one of ``periods`` (sorted).
            period=pd.Index(self.periods).get_indexer(pd.Index(self.observations["period"])),
            value=self.observations["value"].to_numpy(dtype=float),
        )

    def timeline(self, as_of: str) -> list[str]:
        return sorted({*self.periods, as_of})

    def previous(self, period: str) -> str | None:
        earlier = [p for p in self.periods if p < period]
        return earlier[-1] if earlier else None


@dataclass(frozen=True, eq=False)
class _CodedObservations:
    """``_Frames.observations`` row for row: indicators as positions in ``indicators``
    (sorted), periods as positions in ``_Frames.periods`` (sorted)."""

    school_id: np.ndarray
    indicator: np.ndarray
    indicators: list[str]
    period: np.ndarray
    value: np.ndarray


@dataclass(frozen=True, eq=False)
class Examples:
    """One row per school as at ``as_of``.

    ``X``: features, indexed by ``school_id``, from rows with period ≤ ``as_of`` only.
    ``y``: 1 declined, 0 did not, NaN unknown (same index as ``X``).
    ``feature_info``: ``feature``, ``source`` (the indicator or feature it comes from),
    ``kind`` (level, change, inspection, extra), ``direction`` (which way is better for the
    source), ``description`` (plain words).
    ``baselines``: per school, what the simple rankings of :func:`backtest` read, higher =
    riskier (``BASELINES``): ``worst_current`` (the outcome indicator's current value, worst
    first, or the current inspection grade), ``best_current`` (its opposite: for a fall,
    the schools with the most room to fall first), ``last_outcome`` (1 when the school
    already declined by the same definition last period, or its current grade is already
    below the threshold), ``grade_then_time`` (the latest grade, worst first, then the
    longest since it) and ``worst_results`` (1 minus the mean position of its results among
    similar schools).
    """

    X: pd.DataFrame
    y: pd.Series
    as_of: str
    outcome_period: str | None
    feature_info: pd.DataFrame
    baselines: pd.DataFrame


def _start_year(period: str) -> int | None:
    try:
        return start_year(period)
    except ValueError:
        return None


def _latest_and_change(wide: np.ndarray, end: int, staleness: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's latest value among columns end - staleness .. end, and its change from the
    column just before the one it came from (NaN when either is missing)."""
    rows = wide.shape[0]
    if rows == 0:
        return np.zeros(0), np.zeros(0)
    if end < 0:
        return np.full(rows, np.nan), np.full(rows, np.nan)
    low = max(0, end - staleness)
    known = ~np.isnan(wide[:, low : end + 1])
    has = known.any(axis=1)
    last = low + known.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
    row = np.arange(rows)
    level = np.where(has, wide[row, last], np.nan)
    before = np.where(has & (last >= 1), wide[row, np.maximum(last - 1, 0)], np.nan)
    return level, level - before


def _cube(frame: pd.DataFrame, key: str, keys: list[str], schools: pd.Index, timeline: list[str]) -> np.ndarray:
    """A (keys, schools, periods) array of ``value`` from a long frame; NaN where no row."""
    cube = np.full((len(keys), len(schools), len(timeline)), np.nan)
    if len(frame) and len(keys):
        k = pd.Index(keys).get_indexer(pd.Index(frame[key]))
        s = schools.get_indexer(pd.Index(frame["school_id"]))
        p = pd.Index(timeline).get_indexer(pd.Index(frame["period"]))
        found = (k >= 0) & (s >= 0) & (p >= 0)
        cube[k[found], s[found], p[found]] = frame["value"].to_numpy(dtype=float)[found]
    return cube


def build_examples(
    data: RiskData,
    outcome: Outcome,
    *,
    as_of: str,
    outcome_period: str | None = None,
    settings: RiskSettings | None = None,
) -> Examples:
    """Features as at ``as_of`` for every school with any record by then, and the outcome.

    Features (each read from periods ≤ ``as_of`` only):

    - ``level:<indicator>``: the value at ``as_of``, or the latest within ``max_staleness``
      periods before it; ``change:<indicator>``: its change from the period before that
      value's. Only indicators that at least ``min_coverage`` of the schools have, as at
      ``as_of``, become features (the outcome indicator too: its current level and change
      are known at ``as_of``).
    - ``position:<indicator>``: for an indicator with a direction, its level's percentile
      among the schools of the same group (``RiskData.groups``; all schools without one),
      and ``position:results``, the mean of those positions turned so that 1 is the best.
      An indicator with a publication lag is read only as far as it was published by
      ``as_of``.
    - ``inspection:*`` (:data:`INSPECTION_FEATURES`): the latest inspection by ``as_of`` (by
      day; the worse grade if two share a period without days), the years since it (to the
      day, counted to the first day after ``as_of``), the grade before it, ten years' worst
      grade, count below Good and trend, and the years since the latest as a share of the
      usual interval for its grade (``RiskSettings.usual_intervals``).
    - ``extra:<feature>``: each extra feature's latest value by ``as_of``.

    The outcome: ``indicator_fall`` compares the indicator at ``outcome_period`` (default:
    the first period after ``as_of`` with a value of it) with its latest value at ``as_of``
    (the same value as the level feature); ``inspection_below`` reads the first inspection
    after ``as_of`` (and not after ``outcome_period`` when given; the earliest by day when
    days are known): 1 when its grade is worse than ``outcome.grade``. Schools whose outcome is unknown (no later value, no later
    inspection) have NaN: they are left out of training and evaluation, never counted as 0.
    """
    settings = settings or RiskSettings()
    frames = _Frames.of(data)
    return _build(frames, outcome, str(as_of), None if outcome_period is None else str(outcome_period), settings)


def _build(
    frames: _Frames, outcome: Outcome, as_of: str, outcome_period: str | None, settings: RiskSettings
) -> Examples:
    if outcome_period is not None and outcome_period <= as_of:
        raise ValueError(f"the outcome period {outcome_period} must come after as_of {as_of}")
    timeline = frames.timeline(as_of)
    end = timeline.index(as_of)
    # The observations of periods up to as_of, as positions (the periods are sorted).
    coded = frames.coded
    past = np.flatnonzero(coded.period < bisect.bisect_right(frames.periods, as_of))
    past_inspections = frames.inspections[frames.inspections["period"] <= as_of]
    past_extra = frames.extra[frames.extra["period"] <= as_of]
    ids = pd.unique(
        np.concatenate(
            [
                np.asarray(pd.unique(coded.school_id[past]).tolist(), dtype=object),
                past_inspections["school_id"].to_numpy(dtype=object),
                past_extra["school_id"].to_numpy(dtype=object),
            ]
        )
    )
    schools = pd.Index(sorted(ids.tolist()), name="school_id")
    n = len(schools)
    columns: dict[str, np.ndarray] = {}
    info: list[dict[str, str]] = []

    def covered(values: np.ndarray) -> bool:
        return n > 0 and float((~np.isnan(values)).mean()) >= settings.min_coverage

    def add(feature: str, values: np.ndarray, source: str, kind: str, direction: str, description: str) -> None:
        columns[feature] = values
        info.append(
            {"feature": feature, "source": source, "kind": kind, "direction": direction, "description": description}
        )

    group = pd.factorize(_groups_as_at(frames, schools, as_of))[0]
    # Each directed result's position among similar schools, oriented so that 1 is the best:
    # the "worst recent results" baseline reads their mean.
    oriented: list[np.ndarray] = []
    present = np.unique(coded.indicator[past])
    indicators = [coded.indicators[code] for code in present]
    cube = np.full((len(indicators), n, end + 1), np.nan)
    if len(past):
        # A period up to as_of has the same position on the timeline as among the periods.
        position = np.full(len(coded.indicators), -1)
        position[present] = np.arange(len(present))
        cube[position[coded.indicator[past]], schools.get_indexer(coded.school_id[past]), coded.period[past]] = (
            coded.value[past]
        )
    for i, indicator in enumerate(indicators):
        direction = frames.directions.get(indicator, NEITHER)
        # Only what was published by as_of: a value of period p is public from p + lag.
        lag = frames.lags.get(indicator, 0)
        level, change = _latest_and_change(cube[i], end - lag, settings.max_staleness)
        published = "" if lag == 0 else f" (published {lag} period{'s' if lag > 1 else ''} later)"
        if covered(level):
            add(f"level:{indicator}", level, indicator, "level", direction, f"{indicator}: latest value{published}")
            if direction in (HIGHER, LOWER):
                position = _position(level, group)
                add(
                    f"position:{indicator}",
                    position,
                    indicator,
                    "position",
                    direction,
                    f"{indicator}: position among similar schools (0 lowest, 1 highest)",
                )
                oriented.append(position if direction == HIGHER else 1.0 - position)
        if covered(change):
            add(
                f"change:{indicator}",
                change,
                indicator,
                "change",
                direction,
                f"{indicator}: change on the period before{published}",
            )

    results = np.full(n, np.nan)
    if oriented:
        stacked = np.vstack(oriented)
        counted = (~np.isnan(stacked)).sum(axis=0)
        results = np.where(counted > 0, np.nansum(stacked, axis=0) / np.maximum(counted, 1), np.nan)
        if len(oriented) > 1 and covered(results):
            # One summary of many noisy results: what a reader looks at first.
            add(
                "position:results",
                results,
                "results",
                "position",
                HIGHER,
                "mean position of the results among similar schools, each turned so that 1 is the best",
            )

    history = _inspection_history(past_inspections, schools, as_of, timeline, settings)
    grade = history["inspection:grade"]
    if covered(grade):
        for feature, (direction, description) in INSPECTION_FEATURES.items():
            add(feature, history[feature], "inspection", "inspection", direction, description)

    # Extra features were chosen by whoever computed them: kept whatever their coverage.
    latest_extra = past_extra.sort_values("period", kind="stable").drop_duplicates(
        ["school_id", "feature"], keep="last"
    )
    for name, rows in latest_extra.groupby("feature", sort=True):
        values = np.full(n, np.nan)
        values[schools.get_indexer(pd.Index(rows["school_id"]))] = rows["value"].to_numpy(dtype=float)
        # An extra feature runs the way ``directions`` says, when it names it (trigger states:
        # 1 fired is worse); otherwise neither way.
        direction = frames.directions.get(str(name), NEITHER)
        add(f"extra:{name}", values, str(name), "extra", direction, f"{name}: latest value")

    X = pd.DataFrame(columns, index=schools, dtype=float)
    if outcome.kind == INDICATOR_FALL:
        y, outcome_period, baselines = _indicator_fall(
            frames, outcome, schools, as_of, outcome_period, timeline, settings
        )
    else:
        y, baselines = _inspection_below(frames, outcome, schools, as_of, outcome_period, grade)
    # The same simple rankings whatever the outcome, higher = riskier.
    baselines["best_current"] = -baselines["worst_current"]
    baselines["grade_then_time"] = grade + np.minimum(history["inspection:years_since"], 99.0) / 100.0
    baselines["worst_results"] = 1.0 - results
    return Examples(
        X=X,
        y=pd.Series(y, index=schools, name="outcome", dtype=float),
        as_of=as_of,
        outcome_period=outcome_period,
        feature_info=pd.DataFrame(info, columns=FEATURE_INFO_COLUMNS),
        baselines=baselines[BASELINES],
    )


def _groups_as_at(frames: _Frames, schools: pd.Index, as_of: str) -> np.ndarray:
    """Each school's group as at ``as_of`` (its latest by then when groups have periods);
    one group for all when no groups were given, "" for a school without one."""
    if frames.groups is None:
        return np.zeros(len(schools), dtype=object)
    groups = frames.groups
    if (groups["period"] != "").any():
        groups = groups[(groups["period"] == "") | (groups["period"] <= as_of)].sort_values("period", kind="stable")
    latest = groups.drop_duplicates("school_id", keep="last")
    found = pd.Series(latest["group"].to_numpy(), index=latest["school_id"].to_numpy())
    return pd.Series(schools).map(found).fillna("").to_numpy(dtype=object)


def _position(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each value's percentile within its group (0 the lowest, 1 the highest, ties sharing
    the middle); NaN without a value or alone in its group. ``group``: each school's group
    as a whole number (``pd.factorize``: pandas groups strings in Python, once per indicator
    and period otherwise, seconds in every early-warning run)."""
    ranks = pd.Series(values).groupby(group, sort=False).rank(method="average").to_numpy(dtype=float)
    counts = np.bincount(group[~np.isnan(values)], minlength=int(group.max(initial=-1)) + 1)[group]
    with np.errstate(invalid="ignore", divide="ignore"):
        position = (ranks - 1.0) / (counts - 1.0)
    return np.where(counts > 1, position, np.nan)


# The inspection history as at a period: feature -> (which way is better, plain words).
INSPECTION_FEATURES: dict[str, tuple[str, str]] = {
    "inspection:grade": (LOWER, "latest inspection grade (1 Outstanding .. 4 Inadequate)"),
    "inspection:years_since": (NEITHER, "years since the latest inspection"),
    "inspection:previous_grade": (LOWER, "the grade of the inspection before the latest"),
    "inspection:grade_change": (LOWER, "the latest grade minus the one before (positive: worse)"),
    "inspection:worst_10y": (LOWER, "the worst grade in the last ten years"),
    "inspection:below_good_10y": (LOWER, "inspections below Good in the last ten years"),
    "inspection:count_10y": (NEITHER, "inspections in the last ten years"),
    "inspection:trend_10y": (LOWER, "the latest grade minus the earliest in the last ten years (positive: worse)"),
    "inspection:due": (
        NEITHER,
        "years since the latest inspection as a share of the usual interval for its grade (1: due)",
    ),
}


def _reference_day(as_of: str) -> pd.Timestamp | None:
    """The day features are read as at: the first day after ``as_of`` (None when ``as_of``
    is not an academic year or a date)."""
    try:
        return pd.Timestamp(academic_year_end(as_of)) + pd.Timedelta(days=1)
    except ValueError:
        return None


def _inspection_history(
    inspections: pd.DataFrame, schools: pd.Index, as_of: str, timeline: list[str], settings: RiskSettings
) -> dict[str, np.ndarray]:
    """Every feature of :data:`INSPECTION_FEATURES` per school, from inspections by ``as_of``
    (in time order, see ``_Frames``). Time is counted to the day where the day is known,
    to the first day after ``as_of``; in whole periods otherwise, as before."""
    n = len(schools)
    history = {feature: np.full(n, np.nan) for feature in INSPECTION_FEATURES}
    if inspections.empty or n == 0:
        return history
    rows = inspections.assign(where=schools.get_indexer(pd.Index(inspections["school_id"])))
    rows = rows[rows["where"] >= 0]
    if rows.empty:
        return history
    reference = _reference_day(as_of)
    now = _start_year(as_of)
    start_of = {period: _start_year(str(period)) for period in rows["period"].unique().tolist()}
    if now is not None and all(start is not None for start in start_of.values()):
        periods_ago = now - rows["period"].map(start_of).to_numpy(dtype=float)
    else:
        # Labels that are not academic years: count periods on the data's own timeline.
        position = {period: i for i, period in enumerate(timeline)}
        periods_ago = np.asarray([position[as_of] - position[str(p)] for p in rows["period"]], dtype=float)
    years_ago = periods_ago
    if reference is not None:
        days = (reference - rows["date"]).dt.days.to_numpy(dtype=float)
        years_ago = np.where(np.isnan(days), periods_ago, days / 365.25)
    rows = rows.assign(years_ago=years_ago)
    by_school = rows.groupby("where", sort=False)
    latest = by_school.tail(1)
    at = latest["where"].to_numpy()
    history["inspection:grade"][at] = latest["grade"].to_numpy(dtype=float)
    history["inspection:years_since"][at] = latest["years_ago"].to_numpy(dtype=float)
    before = by_school.nth(-2)
    history["inspection:previous_grade"][before["where"].to_numpy()] = before["grade"].to_numpy(dtype=float)
    history["inspection:grade_change"] = history["inspection:grade"] - history["inspection:previous_grade"]
    recent = rows[rows["years_ago"] < settings.history_years]
    if len(recent):
        window = recent.groupby("where", sort=False)["grade"]
        worst = window.max()
        history["inspection:worst_10y"][worst.index.to_numpy()] = worst.to_numpy(dtype=float)
        below = (recent["grade"] > 2).groupby(recent["where"], sort=False).sum()
        history["inspection:below_good_10y"][below.index.to_numpy()] = below.to_numpy(dtype=float)
        count = window.size()
        history["inspection:count_10y"][count.index.to_numpy()] = count.to_numpy(dtype=float)
        first = window.first()
        history["inspection:trend_10y"][first.index.to_numpy()] = history["inspection:grade"][
            first.index.to_numpy()
        ] - first.to_numpy(dtype=float)
    # A school inspected in the window has counts; one whose last inspection is older has none.
    known = ~np.isnan(history["inspection:grade"])
    for feature in ("inspection:below_good_10y", "inspection:count_10y"):
        history[feature] = np.where(known & np.isnan(history[feature]), 0.0, history[feature])
    intervals = dict(settings.usual_intervals)
    usual = np.array([intervals.get(int(g), np.nan) if g == g else np.nan for g in history["inspection:grade"]])
    with np.errstate(invalid="ignore", divide="ignore"):
        history["inspection:due"] = history["inspection:years_since"] / usual
    return history


def _indicator_fall(
    frames: _Frames,
    outcome: Outcome,
    schools: pd.Index,
    as_of: str,
    outcome_period: str | None,
    timeline: list[str],
    settings: RiskSettings,
) -> tuple[np.ndarray, str | None, pd.DataFrame]:
    rows = frames.observations[frames.observations["indicator"] == outcome.indicator]
    if rows.empty:
        raise ValueError(f"the outcome indicator {outcome.indicator!r} has no values")
    if outcome_period is None:
        later = sorted(p for p in rows["period"].unique().tolist() if p > as_of)
        outcome_period = later[0] if later else None
    end = timeline.index(as_of)
    past = rows[rows["period"] <= as_of]
    level, change = _latest_and_change(
        _cube(past, "indicator", [outcome.indicator], schools, timeline[: end + 1])[0], end, settings.max_staleness
    )
    future = np.full(len(schools), np.nan)
    if outcome_period is not None:
        then = rows[rows["period"] == outcome_period]
        where = schools.get_indexer(pd.Index(then["school_id"]))
        found = where >= 0
        future[where[found]] = then["value"].to_numpy(dtype=float)[found]
    sign = 1.0 if outcome.direction == HIGHER else -1.0
    # How much worse it got: positive is decline, whichever way the indicator runs.
    worse = sign * (level - future)
    y = np.where(np.isnan(worse), np.nan, (worse >= outcome.fall - _TOLERANCE).astype(float))
    declined_before = -sign * change >= outcome.fall - _TOLERANCE
    baselines = pd.DataFrame(
        {"worst_current": -sign * level, "last_outcome": declined_before.astype(float)}, index=schools
    )
    return y, outcome_period, baselines


def _inspection_below(
    frames: _Frames,
    outcome: Outcome,
    schools: pd.Index,
    as_of: str,
    outcome_period: str | None,
    current_grade: np.ndarray,
) -> tuple[np.ndarray, pd.DataFrame]:
    if frames.inspections.empty:
        raise ValueError("an inspection_below outcome needs inspections")
    later = frames.inspections[frames.inspections["period"] > as_of]
    if outcome_period is not None:
        later = later[later["period"] <= outcome_period]
    # The first inspection after as_of, by day where days are known; two in one period with
    # no days to order them: the worse.
    first = later.sort_values(
        ["period", "date", "grade"], ascending=[True, True, False], na_position="last", kind="stable"
    ).drop_duplicates("school_id", keep="first")
    y = np.full(len(schools), np.nan)
    where = schools.get_indexer(pd.Index(first["school_id"]))
    found = where >= 0
    y[where[found]] = (first["grade"].to_numpy(dtype=float)[found] > outcome.grade).astype(float)
    baselines = pd.DataFrame(
        {"worst_current": current_grade, "last_outcome": (current_grade > outcome.grade).astype(float)},
        index=schools,
    )
    return y, baselines


def _candidate_periods(frames: _Frames, outcome: Outcome) -> list[str]:
    """Periods an outcome can be read in, with an earlier period to stand at, and not before
    the first period with any indicator or extra feature, or inspection for an inspection
    outcome (there would be nothing to learn from)."""
    if outcome.kind == INDICATOR_FALL:
        periods = frames.observations.loc[frames.observations["indicator"] == outcome.indicator, "period"]
    else:
        periods = frames.inspections["period"]
    sources = [frames.observations, frames.extra]
    if outcome.kind != INDICATOR_FALL:
        # The inspection history is itself something to learn from.
        sources.append(frames.inspections)
    firsts = [frame["period"].min() for frame in sources if len(frame)]
    first = min(firsts) if firsts else None
    chosen = []
    for period in sorted(set(periods.tolist())):
        before = frames.previous(period)
        if before is not None and first is not None and before >= first:
            chosen.append(period)
    return chosen


def _known(examples: Examples) -> tuple[pd.DataFrame, pd.Series]:
    known = examples.y.notna()
    return examples.X.loc[known], examples.y.loc[known]
