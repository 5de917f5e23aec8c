"""Early warning: which schools are likely to decline next, how sure we are, and why.

Pure functions on pandas data frames; no Django.

Everything reads the platform's generic **long** format, so the model runs on any
authority's data, not only England's files:

- ``observations``: ``school_id``, ``indicator``, ``period``, ``value``;
- ``inspections`` (optional): ``school_id``, ``period``, ``grade`` (1 Outstanding .. 4 Inadequate);
- ``extra_features`` (optional): ``school_id``, ``period``, ``feature``, ``value`` — trigger
  states, family percentiles or anything else computed elsewhere;
- ``context`` (optional): ``school_id``, ``fsm``, for the fairness report only.

Periods are labels such as ``"2017/18"`` that sort oldest first as strings.

What counts as decline is the authority's choice (:class:`Outcome`): the next inspection
below a grade, or an indicator getting worse by at least so many units by the next period.

**Nothing from the future.** :func:`build_examples` makes one row per school *as at* a
period: the features read only rows whose period is at or before ``as_of`` (which
indicators count as covered, too), the outcome only rows after it. A model trained on
examples whose outcome is known and scored on schools as at today is then the model the
system could really have had.

**Explainable before clever.** Two models, both with per-school reasons in log-odds:

- ``logistic``: median imputation with missing-value flags, standardised, logistic
  regression; each feature's contribution is its coefficient times its standardised
  distance from the training mean, so contributions plus ``base_log_odds`` are exactly
  the model's log-odds;
- ``boosting``: gradient-boosted trees; contributions by occlusion (set one feature to
  the training median, see how far the log-odds move). That is an approximation: trees
  interact, so the raw occlusion effects do not add up; the difference is shared out in
  proportion to each effect's size so that the shown contributions do add up to the
  log-odds minus ``base_log_odds`` (the log-odds of a school at every training median).

``auto`` (the default) picks the one with the better average precision in a grouped
cross-validation on the training data, and keeps the logistic model unless the trees
are clearly better (``RiskSettings.prefer_logistic_margin``). Probabilities are
calibrated (``CalibratedClassifierCV``: sigmoid, or isotonic once there are at least
200 positives).

**Honest evaluation.** :func:`backtest` trains on earlier outcome periods and tests on
the next, beside baselines ranked on the same rows (random, worst current value, last
period's outcome); with only one outcome period it falls back to cross-validation and
says so. :meth:`Backtest.by_fsm_quintile` shows whether the model just learned
disadvantage.

Example
-------
>>> Outcome(kind="indicator_fall", indicator="reading_progress", fall=2, label="Reading progress").describe()
'Reading progress falls by 2 or more by the next period'
>>> Outcome(kind="inspection_below", grade=2).describe()
'the next inspection is below Good'
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # installed with scikit-learn

from evenbetter.vocabulary.grades import GRADE_NAMES
from evenbetter.vocabulary.periods import start_year

HIGHER, LOWER, NEITHER = "higher", "lower", "neither"
INSPECTION_BELOW, INDICATOR_FALL = "inspection_below", "indicator_fall"
MODEL_KINDS = ("auto", "logistic", "boosting")

TEMPORAL = "temporal"
CROSS_VALIDATION = "cross-validation: only one outcome period"
METRICS = ["roc_auc", "average_precision", "brier", "recall_at_10", "recall_at_20", "positives", "n"]
# The rows of a backtest table: the model, then the baselines ranked on the same test rows.
RANKINGS = ["model", "random", "random_shuffle", "worst_current", "last_outcome"]
FAIRNESS_COLUMNS = [
    "fsm_quintile",
    "fsm_range",
    "n",
    "positives",
    "prevalence",
    "mean_risk",
    "recall_at_20",
    "share_of_riskiest_20",
]
FEATURE_INFO_COLUMNS = ["feature", "source", "kind", "direction", "description"]
SCORE_COLUMNS = ["school_id", "risk", "rank", "band", "top_reasons"]
# What a reader can compare a backtest with (different data and outcome: a reference point,
# not a like-for-like comparison).
PUBLISHED_ANCHOR: dict[str, Any] = {
    "source": "the Behavioural Insights Team's model for Ofsted",
    "outcome": "schools later judged less than good",
    "recall_at_10": 0.65,
    "recall_at_20": 0.85,
}
# Two values this close count as the same when deciding whether an indicator fell far enough:
# 70.1 - 68.1 is not exactly 2.0 in floating point.
_TOLERANCE = 1e-9


# --- What counts as decline ------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What counts as decline: authorities define it differently.

    ``inspection_below``: 1 when the school's next inspection grade is worse than ``grade``
    (grades 1 Outstanding .. 4 Inadequate; 2 means "below Good").
    ``indicator_fall``: 1 when ``indicator`` gets worse by at least ``fall`` units by the next
    period, ``direction`` saying which way is better for it. ``label`` is the indicator's
    plain name for :meth:`describe` (the code when empty).
    """

    kind: str
    grade: int = 2
    indicator: str = ""
    fall: float = 0.0
    direction: str = HIGHER
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind == INSPECTION_BELOW:
            if self.grade not in (1, 2, 3):
                raise ValueError("the grade must be 1, 2 or 3: the outcome is an inspection worse than it")
        elif self.kind == INDICATOR_FALL:
            if not self.indicator:
                raise ValueError("an indicator_fall outcome needs the indicator's code")
            if self.direction not in (HIGHER, LOWER):
                raise ValueError(
                    f"the direction must be {HIGHER!r} or {LOWER!r}: an indicator that runs neither way cannot fall"
                )
            if not self.fall > 0:
                raise ValueError("the fall must be more than 0 units")
        else:
            raise ValueError(f"unknown outcome {self.kind!r}: use {INSPECTION_BELOW!r} or {INDICATOR_FALL!r}")

    def describe(self) -> str:
        if self.kind == INSPECTION_BELOW:
            return f"the next inspection is below {GRADE_NAMES[self.grade]}"
        verb = "falls" if self.direction == HIGHER else "rises"
        return f"{self.label or self.indicator} {verb} by {self.fall:g} or more by the next period"


@dataclass(frozen=True, eq=False)
class RiskData:
    observations: pd.DataFrame  # school_id, indicator, period, value
    directions: Mapping[str, str]  # indicator -> "higher" | "lower" | "neither"
    inspections: pd.DataFrame | None = None  # school_id, period, grade (1..4)
    extra_features: pd.DataFrame | None = None  # school_id, period, feature, value
    context: pd.DataFrame | None = None  # school_id, fsm


@dataclass(frozen=True)
class RiskSettings:
    # An indicator becomes a feature only when at least this share of the schools as at
    # as_of have a value for it.
    min_coverage: float = 0.3
    # A level may be this many periods older than as_of (0: only as_of itself).
    max_staleness: int = 1
    # Logistic regression's inverse regularisation strength.
    C: float = 1.0
    # Weight the rarer class up while fitting (calibration brings the probabilities back).
    balanced: bool = False
    # Folds of the grouped cross-validation inside fit (auto choice and calibration).
    cv_folds: int = 3
    # Fewer positives than this and fit refuses: there is too little to learn from.
    min_positives: int = 4
    # Isotonic calibration needs many positives; below this, sigmoid.
    isotonic_min_positives: int = 200
    # "auto" keeps the logistic model unless the trees' average precision is better by this.
    prefer_logistic_margin: float = 0.01
    # "auto" compares the two on at most this many training rows (a seeded sample of whole schools).
    auto_max_rows: int = 50_000
    boosting_max_iter: int = 150
    boosting_learning_rate: float = 0.05
    boosting_max_leaf_nodes: int = 15
    boosting_min_samples_leaf: int = 20
    boosting_l2_regularization: float = 1.0
    # Backtest: earlier outcome periods needed before a period is tested.
    min_train_periods: int = 1
    # Backtest with one outcome period: folds of the cross-validation.
    backtest_folds: int = 5
    # Bands: the riskiest high_share are "high", the next raised_share "raised".
    high_share: float = 0.1
    raised_share: float = 0.1
    # Reasons shown per school.
    reasons: int = 3
    # Threads for the numerical libraries while fitting and predicting (None: their default).
    # On a small shared machine two OpenMP threads can spin against other work and make the
    # trees ten times slower; one thread is steady, and fast enough for a few thousand schools.
    threads: int | None = 1


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
            inspections = pd.DataFrame(
                {
                    "school_id": data.inspections["school_id"].to_numpy(),
                    "period": data.inspections["period"].astype(str).to_numpy(),
                    "grade": pd.to_numeric(data.inspections["grade"], errors="coerce").to_numpy(dtype=float),
                }
            )
            inspections = inspections[inspections["grade"].between(1, 4)]
        else:
            inspections = pd.DataFrame(
                {
                    "school_id": pd.Series(dtype="int64"),
                    "period": pd.Series(dtype="str"),
                    "grade": pd.Series(dtype="float64"),
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
        return cls(observations, inspections, extra, dict(data.directions), periods)

    def timeline(self, as_of: str) -> list[str]:
        return sorted({*self.periods, as_of})

    def previous(self, period: str) -> str | None:
        earlier = [p for p in self.periods if p < period]
        return earlier[-1] if earlier else None


# --- Examples: features strictly from before the outcome ---------------------------------


@dataclass(frozen=True, eq=False)
class Examples:
    """One row per school as at ``as_of``.

    ``X``: features, indexed by ``school_id``, from rows with period ≤ ``as_of`` only.
    ``y``: 1 declined, 0 did not, NaN unknown (same index as ``X``).
    ``feature_info``: ``feature``, ``source`` (the indicator or feature it comes from),
    ``kind`` (level, change, inspection, extra), ``direction`` (which way is better for the
    source), ``description`` (plain words).
    ``baselines``: per school, what the simple rankings of :func:`backtest` read, higher =
    riskier: ``worst_current`` (the outcome indicator's current value, worst first, or the
    current inspection grade) and ``last_outcome`` (1 when the school already declined by
    the same definition last period, or its current grade is already below the threshold).
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
    - ``inspection:grade``, ``inspection:years_since``: the latest inspection by ``as_of``
      (the worse grade if two fall in one period) and the years since it.
    - ``extra:<feature>``: each extra feature's latest value by ``as_of``.

    The outcome: ``indicator_fall`` compares the indicator at ``outcome_period`` (default:
    the first period after ``as_of`` with a value of it) with its latest value at ``as_of``
    (the same value as the level feature); ``inspection_below`` reads the first inspection
    after ``as_of`` (and not after ``outcome_period`` when given): 1 when its grade is worse
    than ``outcome.grade``. Schools whose outcome is unknown (no later value, no later
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
    past = frames.observations[frames.observations["period"] <= as_of]
    past_inspections = frames.inspections[frames.inspections["period"] <= as_of]
    past_extra = frames.extra[frames.extra["period"] <= as_of]
    ids = pd.unique(
        np.concatenate(
            [
                past["school_id"].to_numpy(dtype=object),
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

    indicators = sorted(past["indicator"].unique().tolist())
    cube = _cube(past, "indicator", indicators, schools, timeline[: end + 1])
    for i, indicator in enumerate(indicators):
        direction = frames.directions.get(indicator, NEITHER)
        level, change = _latest_and_change(cube[i], end, settings.max_staleness)
        if covered(level):
            columns[f"level:{indicator}"] = level
            info.append(
                {
                    "feature": f"level:{indicator}",
                    "source": indicator,
                    "kind": "level",
                    "direction": direction,
                    "description": f"{indicator}: latest value",
                }
            )
        if covered(change):
            columns[f"change:{indicator}"] = change
            info.append(
                {
                    "feature": f"change:{indicator}",
                    "source": indicator,
                    "kind": "change",
                    "direction": direction,
                    "description": f"{indicator}: change on the period before",
                }
            )

    grade, years_since = _latest_inspection(past_inspections, schools, as_of, timeline)
    if covered(grade):
        columns["inspection:grade"] = grade
        columns["inspection:years_since"] = years_since
        info.append(
            {
                "feature": "inspection:grade",
                "source": "inspection",
                "kind": "inspection",
                "direction": LOWER,
                "description": "latest inspection grade (1 Outstanding .. 4 Inadequate)",
            }
        )
        info.append(
            {
                "feature": "inspection:years_since",
                "source": "inspection",
                "kind": "inspection",
                "direction": NEITHER,
                "description": "years since the latest inspection",
            }
        )

    # Extra features were chosen by whoever computed them: kept whatever their coverage.
    latest_extra = past_extra.sort_values("period", kind="stable").drop_duplicates(
        ["school_id", "feature"], keep="last"
    )
    for name, rows in latest_extra.groupby("feature", sort=True):
        values = np.full(n, np.nan)
        values[schools.get_indexer(pd.Index(rows["school_id"]))] = rows["value"].to_numpy(dtype=float)
        columns[f"extra:{name}"] = values
        info.append(
            {
                "feature": f"extra:{name}",
                "source": str(name),
                "kind": "extra",
                "direction": NEITHER,
                "description": f"{name}: latest value",
            }
        )

    X = pd.DataFrame(columns, index=schools, dtype=float)
    if outcome.kind == INDICATOR_FALL:
        y, outcome_period, baselines = _indicator_fall(
            frames, outcome, schools, as_of, outcome_period, timeline, settings
        )
    else:
        y, baselines = _inspection_below(frames, outcome, schools, as_of, outcome_period, grade)
    return Examples(
        X=X,
        y=pd.Series(y, index=schools, name="outcome", dtype=float),
        as_of=as_of,
        outcome_period=outcome_period,
        feature_info=pd.DataFrame(info, columns=FEATURE_INFO_COLUMNS),
        baselines=baselines,
    )


def _latest_inspection(
    inspections: pd.DataFrame, schools: pd.Index, as_of: str, timeline: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    grade = np.full(len(schools), np.nan)
    years = np.full(len(schools), np.nan)
    if inspections.empty:
        return grade, years
    latest = inspections.sort_values(["period", "grade"], kind="stable").drop_duplicates("school_id", keep="last")
    where = schools.get_indexer(pd.Index(latest["school_id"]))
    found = where >= 0
    grade[where[found]] = latest["grade"].to_numpy(dtype=float)[found]
    now = _start_year(as_of)
    periods = latest["period"].to_numpy(dtype=object)[found]
    starts = [_start_year(str(period)) for period in periods]
    if now is not None and all(start is not None for start in starts):
        years[where[found]] = [now - int(start) for start in starts if start is not None]
    else:
        # Labels that are not academic years: count periods on the data's own timeline.
        position = {period: i for i, period in enumerate(timeline)}
        years[where[found]] = [position[as_of] - position[str(period)] for period in periods]
    return grade, years


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
    # The first inspection after as_of; two in one period (no dates to order them): the worse.
    first = later.sort_values(["period", "grade"], ascending=[True, False], kind="stable").drop_duplicates(
        "school_id", keep="first"
    )
    y = np.full(len(schools), np.nan)
    where = schools.get_indexer(pd.Index(first["school_id"]))
    found = where >= 0
    y[where[found]] = (first["grade"].to_numpy(dtype=float)[found] > outcome.grade).astype(float)
    baselines = pd.DataFrame(
        {"worst_current": current_grade, "last_outcome": (current_grade > outcome.grade).astype(float)},
        index=schools,
    )
    return y, baselines


# --- The model --------------------------------------------------------------------------


def _usable_columns(features: pd.DataFrame) -> list[str]:
    """Columns that can tell schools apart: not all missing, not one value everywhere
    (a column with one value and some gaps is kept: being missing can be telling)."""
    keep = []
    for name in features.columns:
        values = features[name].to_numpy(dtype=float)
        known = ~np.isnan(values)
        if not known.any():
            continue
        if known.all() and np.all(values == values[0]):
            continue
        keep.append(str(name))
    return keep


def _grouped_splits(
    target: np.ndarray, groups: np.ndarray, folds: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded folds that keep each school's rows together, stratified by whether a school
    ever declined (scikit-learn's ``StratifiedKFold`` over schools, which is much faster than
    ``StratifiedGroupKFold`` on thousands of schools), every training part with both classes."""
    codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    ever = (np.bincount(codes, weights=target) > 0).astype(np.int64)
    counts = np.bincount(ever, minlength=2)
    present = counts[counts > 0]
    k = min(folds, int(present.min()) if len(present) == 2 else len(ever))
    while k >= 2:
        fold_of = np.empty(len(ever), dtype=np.int64)
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
        for fold, (_, test) in enumerate(splitter.split(np.zeros(len(ever)), ever)):
            fold_of[test] = fold
        row_fold = fold_of[codes]
        splits = [(np.flatnonzero(row_fold != fold), np.flatnonzero(row_fold == fold)) for fold in range(k)]
        if all(0 < target[train].sum() < len(train) for train, _ in splits):
            return splits
        k -= 1
    raise ValueError("too few schools of one class to cross-validate the risk model")


def _sample_schools(groups: np.ndarray, rows: int, random_state: int) -> np.ndarray:
    """Row positions of a seeded sample of whole schools with at most ``rows`` rows (all when fewer)."""
    if len(groups) <= rows:
        return np.arange(len(groups))
    codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    order = np.random.default_rng(random_state).permutation(codes.max() + 1)
    sizes = np.bincount(codes)[order]
    chosen = np.zeros(codes.max() + 1, dtype=bool)
    chosen[order[np.cumsum(sizes) <= rows]] = True
    return np.flatnonzero(chosen[codes])


def _estimator(kind: str, settings: RiskSettings, random_state: int) -> Any:
    weight = "balanced" if settings.balanced else None
    if kind == "logistic":
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=settings.C, class_weight=weight, max_iter=5000)),
            ]
        )
    return HistGradientBoostingClassifier(
        learning_rate=settings.boosting_learning_rate,
        max_iter=settings.boosting_max_iter,
        max_leaf_nodes=settings.boosting_max_leaf_nodes,
        min_samples_leaf=settings.boosting_min_samples_leaf,
        l2_regularization=settings.boosting_l2_regularization,
        early_stopping=False,
        class_weight=weight,
        random_state=random_state,
    )


class RiskModel(BaseEstimator):
    """The early-warning model, scikit-learn style.

    Parameters
    ----------
    kind : "logistic", "boosting" or "auto" (the better average precision in a grouped
        cross-validation on the training data, on at most ``settings.auto_max_rows`` rows of
        whole schools; the logistic model unless the trees beat it by
        ``settings.prefer_logistic_margin``).
    random_state : seeds the folds and the trees; the same seed gives the same model.
    settings : :class:`RiskSettings`.

    ``X`` is a frame of features (one row per school and period, the index the school, so
    that a school's rows from several periods stay in one fold); ``y`` 0/1, a Series with
    X's index or an array in X's order, NaN for unknown outcomes (left out, never taken as 0). At predict time, missing columns are
    taken as missing values and extra columns are ignored.

    Attributes after fit: ``chosen_kind``, ``feature_names``, ``base_log_odds``,
    ``medians_`` (each feature's training median: "a typical school"), ``calibration_``,
    ``cv_average_precision_`` (per kind tried), ``n_positives_``.
    """

    chosen_kind: str
    feature_names: list[str]
    base_log_odds: float
    medians_: pd.Series
    calibration_: str
    cv_average_precision_: dict[str, float]
    n_positives_: int

    def __init__(self, kind: str = "auto", random_state: int = 0, settings: RiskSettings | None = None) -> None:
        self.kind = kind
        self.random_state = random_state
        self.settings = settings

    def _threads(self) -> Any:
        threads = (self.settings or RiskSettings()).threads
        return threadpool_limits(limits=threads) if threads is not None else contextlib.nullcontext()

    def fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray) -> RiskModel:
        with self._threads():
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray) -> RiskModel:
        settings = self.settings or RiskSettings()
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}: use one of {', '.join(MODEL_KINDS)}")
        if isinstance(y, pd.Series) and not y.index.equals(X.index):
            raise ValueError("y's index must be X's, row for row (or pass y as an array aligned by position)")
        target = np.asarray(y, dtype=float)
        if len(target) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(target)}")
        known = ~np.isnan(target)
        features = X.loc[known].apply(pd.to_numeric, errors="coerce").astype(float)
        target = target[known]
        if not np.isin(target, (0.0, 1.0)).all():
            raise ValueError("y must be 0 (did not decline), 1 (declined) or missing")
        labels = target.astype(np.int64)
        positives = int(labels.sum())
        negatives = len(labels) - positives
        if positives < settings.min_positives:
            raise ValueError(
                f"too few positives: only {positives} school(s) declined in the training data; the risk model "
                f"needs at least {settings.min_positives} to learn from"
            )
        if negatives < settings.min_positives:
            raise ValueError(
                f"too few negatives: only {negatives} school(s) did not decline in the training data; the risk "
                f"model needs at least {settings.min_positives}"
            )
        self.feature_names = _usable_columns(features)
        if not self.feature_names:
            raise ValueError("no feature has values that differ between schools")
        matrix = features[self.feature_names].to_numpy(dtype=float)
        self.medians_ = pd.Series(np.nanmedian(matrix, axis=0), index=self.feature_names)
        splits = _grouped_splits(labels, features.index.to_numpy(), settings.cv_folds, self.random_state)

        self.cv_average_precision_ = {}
        if self.kind == "auto":
            # On a large training set the choice is made on a sample of whole schools: enough to
            # tell the two apart, at a fraction of the cost.
            sample = _sample_schools(features.index.to_numpy(), settings.auto_max_rows, self.random_state)
            if labels[sample].sum() < settings.min_positives:
                sample = np.arange(len(labels))
            chooser = splits
            if len(sample) < len(labels):
                chooser = _grouped_splits(
                    labels[sample], features.index.to_numpy()[sample], settings.cv_folds, self.random_state
                )
            for kind in ("logistic", "boosting"):
                out_of_fold = np.zeros(len(sample))
                for train, test in chooser:
                    fitted = clone(_estimator(kind, settings, self.random_state)).fit(
                        matrix[sample][train], labels[sample][train]
                    )
                    out_of_fold[test] = fitted.decision_function(matrix[sample][test])
                self.cv_average_precision_[kind] = float(average_precision_score(labels[sample], out_of_fold))
            better = (
                self.cv_average_precision_["boosting"]
                > self.cv_average_precision_["logistic"] + settings.prefer_logistic_margin
            )
            self.chosen_kind = "boosting" if better else "logistic"
        else:
            self.chosen_kind = self.kind

        self.n_positives_ = positives
        self.calibration_ = "isotonic" if positives >= settings.isotonic_min_positives else "sigmoid"
        # ensemble=False: the calibrator learns from out-of-fold scores, and one estimator fitted
        # on all the rows gives the log-odds that the contributions explain.
        self.calibrated_ = CalibratedClassifierCV(
            _estimator(self.chosen_kind, settings, self.random_state),
            method=self.calibration_,
            cv=splits,
            ensemble=False,
        ).fit(matrix, labels)
        self.estimator_ = self.calibrated_.calibrated_classifiers_[0].estimator
        if self.chosen_kind == "logistic":
            self.base_log_odds = float(self.estimator_.named_steps["model"].intercept_[0])
        else:
            self.base_log_odds = float(self.estimator_.decision_function(self.medians_.to_numpy()[None, :])[0])
        return self

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "estimator_"):
            raise ValueError("the risk model is not fitted yet: call fit first")
        return X.reindex(columns=self.feature_names).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2): column 1 is the chance of decline."""
        matrix = self._matrix(X)
        with self._threads():
            return np.asarray(self.calibrated_.predict_proba(matrix), dtype=float)

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        """The uncalibrated log-odds that :meth:`contributions` explains."""
        matrix = self._matrix(X)
        with self._threads():
            return np.asarray(self.estimator_.decision_function(matrix), dtype=float)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per school and feature, how far it pushed the log-odds up (+) or down (-) from
        ``base_log_odds``; each row plus ``base_log_odds`` is :meth:`log_odds`."""
        matrix = self._matrix(X)
        with self._threads():
            if self.chosen_kind == "logistic":
                parts = self._logistic_contributions(matrix)
            else:
                parts = self._occlusion_contributions(matrix)
        return pd.DataFrame(parts, index=X.index, columns=self.feature_names)

    def _logistic_contributions(self, matrix: np.ndarray) -> np.ndarray:
        imputer = self.estimator_.named_steps["impute"]
        scaler = self.estimator_.named_steps["scale"]
        model = self.estimator_.named_steps["model"]
        standardised = scaler.transform(imputer.transform(matrix))
        terms = standardised * model.coef_[0]
        width = len(self.feature_names)
        parts = terms[:, :width].copy()
        # A missing-value flag counts towards the feature it flags.
        if imputer.indicator_ is not None:
            for column, feature in enumerate(imputer.indicator_.features_):
                parts[:, feature] += terms[:, width + column]
        return np.asarray(parts, dtype=float)

    def _occlusion_contributions(self, matrix: np.ndarray) -> np.ndarray:
        rows, width = matrix.shape
        if rows == 0:
            return np.zeros((0, width))
        full = self.estimator_.decision_function(matrix)
        raw = np.empty((rows, width))
        occluded = matrix.copy()
        for j in range(width):
            occluded[:, j] = self.medians_.iloc[j]
            raw[:, j] = full - self.estimator_.decision_function(occluded)
            occluded[:, j] = matrix[:, j]
        # Share what the single-feature effects leave unexplained in proportion to their size,
        # equally when none moved (pure interaction), so that each row adds up.
        residual = full - self.base_log_odds - raw.sum(axis=1)
        size = np.abs(raw)
        total = size.sum(axis=1, keepdims=True)
        weight = np.where(total > 0, size / np.where(total > 0, total, 1.0), 1.0 / width)
        return np.asarray(raw + residual[:, None] * weight, dtype=float)


# --- Evaluation -----------------------------------------------------------------------


def _top_weights(score: np.ndarray, share: float) -> tuple[np.ndarray, int]:
    """How much of each row is in the riskiest ``share`` (at least one row): 1 above the
    cut, 0 below, and for the rows tied at the cut the share of the places left, as if
    the tie were broken at random. Returns the weights and the number of places."""
    n = len(score)
    weights = np.zeros(n)
    if n == 0:
        return weights, 0
    places = max(1, math.ceil(share * n - _TOLERANCE))
    order = np.sort(score)[::-1]
    cut = order[places - 1]
    above = score > cut
    tied = score == cut
    weights[above] = 1.0
    weights[tied] = (places - int(above.sum())) / int(tied.sum())
    return weights, places


def recall_at(y: Sequence[float] | np.ndarray, score: Sequence[float] | np.ndarray, share: float) -> float:
    """The share of positives among the riskiest ``share`` of rows (``ceil(share * n)`` rows,
    highest score first; ties at the cut shared out as if broken at random)."""
    target = np.asarray(y, dtype=float)
    positives = target.sum()
    if positives == 0:
        return float("nan")
    weights, _ = _top_weights(np.asarray(score, dtype=float), share)
    return float((weights * target).sum() / positives)


def ranking_metrics(
    y: Sequence[float] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    probability: Sequence[float] | np.ndarray | None = None,
) -> dict[str, float]:
    """ROC AUC, average precision, recall in the riskiest 10% and 20% of ``score`` (higher
    = riskier), and the Brier score of ``probability`` when given (NaN otherwise)."""
    target = np.asarray(y, dtype=float)
    ranking = np.asarray(score, dtype=float)
    positives = int(target.sum())
    both = 0 < positives < len(target)
    brier = float("nan")
    if probability is not None and len(target):
        brier = float(np.mean((np.asarray(probability, dtype=float) - target) ** 2))
    return {
        "roc_auc": float(roc_auc_score(target, ranking)) if both else float("nan"),
        "average_precision": float(average_precision_score(target, ranking)) if positives else float("nan"),
        "brier": brier,
        "recall_at_10": recall_at(target, ranking, 0.1),
        "recall_at_20": recall_at(target, ranking, 0.2),
        "positives": float(positives),
        "n": float(len(target)),
    }


def random_expectation(y: Sequence[float] | np.ndarray) -> dict[str, float]:
    """What a random ranking scores on average: AUC 0.5, average precision the prevalence,
    recall in the riskiest k the share of rows looked at (k, up to rounding to whole
    schools), and the Brier score of predicting the prevalence for everyone."""
    target = np.asarray(y, dtype=float)
    n = len(target)
    positives = int(target.sum())
    prevalence = positives / n if n else float("nan")
    both = 0 < positives < n
    return {
        "roc_auc": 0.5 if both else float("nan"),
        "average_precision": prevalence if positives else float("nan"),
        "brier": prevalence * (1 - prevalence),
        "recall_at_10": _top_weights(np.zeros(n), 0.1)[1] / n if positives else float("nan"),
        "recall_at_20": _top_weights(np.zeros(n), 0.2)[1] / n if positives else float("nan"),
        "positives": float(positives),
        "n": float(n),
    }


def _model_ranking(risk: np.ndarray, log_odds: np.ndarray) -> np.ndarray:
    """One score that orders by calibrated risk and breaks its ties (isotonic calibration
    makes steps) by the log-odds underneath, as the watch list does."""
    _, risk_rank = np.unique(risk, return_inverse=True)
    _, odds_rank = np.unique(log_odds, return_inverse=True)
    return np.asarray(risk_rank * (len(log_odds) + 1) + odds_rank, dtype=float)


def _rows_metrics(rows: pd.DataFrame) -> pd.DataFrame:
    y = rows["y"].to_numpy(dtype=float)
    current = rows["worst_current"].to_numpy(dtype=float)
    if np.isnan(current).all():
        current = np.zeros(len(current))
    else:
        # A school with no current value ranks as a middling one.
        current = np.where(np.isnan(current), np.nanmedian(current), current)
    table = {
        "model": ranking_metrics(y, rows["ranking"].to_numpy(dtype=float), rows["risk"].to_numpy(dtype=float)),
        "random": random_expectation(y),
        "random_shuffle": ranking_metrics(y, rows["random_shuffle"].to_numpy(dtype=float)),
        "worst_current": ranking_metrics(y, current),
        "last_outcome": ranking_metrics(y, rows["last_outcome"].fillna(0).to_numpy(dtype=float)),
    }
    frame = pd.DataFrame.from_dict(table, orient="index").reindex(index=RANKINGS, columns=METRICS)
    frame = frame.astype({"positives": "int64", "n": "int64"})
    frame.index.name = "ranking"
    return frame


@dataclass(frozen=True, eq=False)
class Backtest:
    """A backtest's test rows and what they show.

    ``predictions``: one row per test school and outcome period: ``fold``, ``school_id``,
    ``as_of``, ``outcome_period``, ``y``, ``risk``, ``log_odds``, ``ranking`` (the model's
    order), and the baselines' scores ``random_shuffle``, ``worst_current``, ``last_outcome``.
    ``folds``: the metrics per fold; ``chosen_kinds``: the model each fold chose;
    ``skipped``: test periods left out, and why.
    """

    outcome: Outcome
    method: str
    predictions: pd.DataFrame
    folds: pd.DataFrame
    chosen_kinds: dict[str, str]
    skipped: list[str] = field(default_factory=list)
    fsm: pd.Series | None = None

    def table(self) -> pd.DataFrame:
        """Pooled over every test row: the model and the baselines, one row each, columns ``METRICS``."""
        return _rows_metrics(self.predictions)

    def by_fsm_quintile(self) -> pd.DataFrame:
        """For the model, per quintile of the schools' FSM share (1 = least disadvantaged):
        rows, positives, prevalence, mean predicted risk, the positives caught in the pooled
        riskiest 20%, and the share of that riskiest 20% in the quintile. Empty without context."""
        if self.fsm is None or self.fsm.dropna().empty:
            return pd.DataFrame(columns=FAIRNESS_COLUMNS).set_index("fsm_quintile")
        fsm = self.fsm.dropna()
        quintile = pd.qcut(fsm.rank(method="first"), 5, labels=False) + 1 if len(fsm) >= 5 else fsm * 0 + 1
        rows = self.predictions
        group = rows["school_id"].map(quintile)
        weights, places = _top_weights(rows["ranking"].to_numpy(dtype=float), 0.2)
        y = rows["y"].to_numpy(dtype=float)
        records = []
        labels: list[Any] = [1, 2, 3, 4, 5]
        if group.isna().any():
            labels.append("unknown")
        for label in labels:
            inside = (group.isna() if label == "unknown" else group == label).to_numpy()
            members = fsm[quintile == label] if label != "unknown" else pd.Series(dtype=float)
            count = int(inside.sum())
            positives = int(y[inside].sum())
            records.append(
                {
                    "fsm_quintile": label,
                    "fsm_range": f"{_number(members.min())}–{_number(members.max())}" if len(members) else "",
                    "n": count,
                    "positives": positives,
                    "prevalence": positives / count if count else float("nan"),
                    "mean_risk": float(rows["risk"].to_numpy(dtype=float)[inside].mean()) if count else float("nan"),
                    "recall_at_20": float((weights * y)[inside].sum() / positives) if positives else float("nan"),
                    "share_of_riskiest_20": float(weights[inside].sum() / places) if places else float("nan"),
                }
            )
        return pd.DataFrame(records, columns=FAIRNESS_COLUMNS).set_index("fsm_quintile")

    def report(self) -> str:
        pooled = self.table()
        model = {
            str(name): float(value)
            for name, value in zip(pooled.columns, pooled.loc["model"].to_numpy(dtype=float), strict=True)
        }
        periods = sorted(self.predictions["outcome_period"].unique().tolist())
        if self.method == TEMPORAL:
            how = (
                "temporal: for each test period, trained on outcomes from earlier periods only and "
                "tested on the next, as the system would have been used"
            )
        else:
            how = (
                f"{self.method}: there is no earlier period to train on, so schools were split into "
                "folds of the same period; this says less about the future than a temporal backtest"
            )
        lines = [
            f"Early-warning backtest: the chance that {self.outcome.describe()}.",
            f"Method: {how}.",
            f"Outcome periods tested: {', '.join(periods)}; models chosen: "
            + ", ".join(f"{fold} {kind}" for fold, kind in self.chosen_kinds.items())
            + ".",
            f"Pooled over {int(model['n']):,} test rows, {int(model['positives']):,} of them declined "
            f"(prevalence {model['positives'] / max(model['n'], 1):.1%}).",
            "",
            "Model beside baselines ranked on the same rows (recall_at_k: share of those who declined "
            "found in the riskiest k%):",
            pooled.to_string(float_format=lambda v: f"{v:.3f}"),
            "",
        ]
        if self.skipped:
            lines += ["Left out: " + "; ".join(self.skipped) + ".", ""]
        fairness = self.by_fsm_quintile()
        if fairness.empty:
            lines.append("By FSM quintile: no FSM context was given.")
        else:
            lines += [
                "By FSM quintile (1 = least disadvantaged): does the model just find disadvantage?",
                fairness.to_string(float_format=lambda v: f"{v:.3f}"),
            ]
        anchor = PUBLISHED_ANCHOR
        lines += [
            "",
            f"Published anchor: {anchor['source']} caught {anchor['recall_at_10']:.0%} of {anchor['outcome']} "
            f"within the riskiest 10% and {anchor['recall_at_20']:.0%} within the riskiest 20% "
            f"(here: {model['recall_at_10']:.0%} and {model['recall_at_20']:.0%}). Different data and a "
            "different outcome: a reference point, not a like-for-like comparison.",
        ]
        return "\n".join(lines)


def _candidate_periods(frames: _Frames, outcome: Outcome) -> list[str]:
    """Periods an outcome can be read in, with an earlier period to stand at, and not before
    the first period with any indicator or extra feature (there would be nothing to learn from)."""
    if outcome.kind == INDICATOR_FALL:
        periods = frames.observations.loc[frames.observations["indicator"] == outcome.indicator, "period"]
    else:
        periods = frames.inspections["period"]
    firsts = [frame["period"].min() for frame in (frames.observations, frames.extra) if len(frame)]
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


def _fold_rows(fold: str, examples: Examples, model: RiskModel, rows: np.ndarray) -> pd.DataFrame:
    X = examples.X.iloc[rows]
    risk = model.predict_proba(X)[:, 1]
    log_odds = model.log_odds(X)
    baselines = examples.baselines.iloc[rows]
    return pd.DataFrame(
        {
            "fold": fold,
            "school_id": X.index.to_numpy(),
            "as_of": examples.as_of,
            "outcome_period": examples.outcome_period,
            "y": examples.y.iloc[rows].to_numpy(dtype=float),
            "risk": risk,
            "log_odds": log_odds,
            "worst_current": baselines["worst_current"].to_numpy(dtype=float),
            "last_outcome": baselines["last_outcome"].to_numpy(dtype=float),
        }
    )


def backtest(
    data: RiskData,
    outcome: Outcome,
    *,
    periods: list[str] | None = None,
    settings: RiskSettings | None = None,
    random_state: int = 0,
    kind: str = "auto",
) -> Backtest:
    """Rolling temporal evaluation beside baselines.

    For each outcome period ``t`` (``periods``, default every period the outcome can be read
    in) with at least ``min_train_periods`` earlier outcome periods: train on the examples
    whose outcome period is before ``t`` (each as at the period before its outcome period),
    test on the examples of ``t`` as at the period before ``t``. With only one outcome period
    it falls back to a stratified k-fold cross-validation on that period (seeded, schools
    kept whole) and says so in ``method``.
    """
    settings = settings or RiskSettings()
    frames = _Frames.of(data)
    candidates = sorted(str(p) for p in periods) if periods is not None else _candidate_periods(frames, outcome)
    examples: dict[str, Examples] = {}
    skipped: list[str] = []
    for period in candidates:
        before = frames.previous(period)
        if before is None:
            skipped.append(f"{period} (no earlier period to stand at)")
            continue
        built = _build(frames, outcome, before, period, settings)
        if built.y.notna().any():
            examples[period] = built
    usable = sorted(examples)
    if not usable:
        raise ValueError(f"no period has a known outcome ({outcome.describe()})")
    shuffle = np.random.default_rng(random_state)
    parts: list[pd.DataFrame] = []
    chosen: dict[str, str] = {}
    if len(usable) > settings.min_train_periods:
        method = TEMPORAL
        for i, period in enumerate(usable):
            if i < settings.min_train_periods:
                continue
            training = [_known(examples[earlier]) for earlier in usable[:i]]
            X = pd.concat([features for features, _ in training])
            y = pd.concat([target for _, target in training])
            try:
                model = RiskModel(kind=kind, random_state=random_state, settings=settings).fit(X, y)
            except ValueError as error:
                skipped.append(f"{period} ({error})")
                continue
            tested = examples[period]
            rows = np.flatnonzero(tested.y.notna().to_numpy())
            parts.append(_fold_rows(period, tested, model, rows))
            chosen[period] = model.chosen_kind
    else:
        method = CROSS_VALIDATION if len(usable) == 1 else f"cross-validation: only {len(usable)} outcome periods"
        only = examples[usable[-1]]
        known_rows = np.flatnonzero(only.y.notna().to_numpy())
        labels = only.y.iloc[known_rows].to_numpy(dtype=float).astype(np.int64)
        splits = _grouped_splits(labels, only.X.index.to_numpy()[known_rows], settings.backtest_folds, random_state)
        for number, (train, test) in enumerate(splits, start=1):
            fold = f"fold {number}"
            train_rows = known_rows[train]
            model = RiskModel(kind=kind, random_state=random_state, settings=settings).fit(
                only.X.iloc[train_rows], only.y.iloc[train_rows]
            )
            parts.append(_fold_rows(fold, only, model, known_rows[test]))
            chosen[fold] = model.chosen_kind
    if not parts:
        raise ValueError("no period could be tested: " + "; ".join(skipped))
    for part in parts:
        part["random_shuffle"] = shuffle.random(len(part))
    predictions = pd.concat(parts, ignore_index=True)
    predictions["ranking"] = _model_ranking(
        predictions["risk"].to_numpy(dtype=float), predictions["log_odds"].to_numpy(dtype=float)
    )
    folds = pd.concat(
        {fold: _rows_metrics(rows) for fold, rows in predictions.groupby("fold", sort=False)}, names=["fold"]
    )
    fsm = None
    if data.context is not None:
        _require(data.context, ["school_id", "fsm"], "context")
        fsm = pd.Series(
            pd.to_numeric(data.context["fsm"], errors="coerce").to_numpy(dtype=float),
            index=data.context["school_id"].to_numpy(),
        )
        fsm = fsm[~fsm.index.duplicated(keep="last")]
    return Backtest(
        outcome=outcome,
        method=method,
        predictions=predictions,
        folds=folds,
        chosen_kinds=chosen,
        skipped=skipped,
        fsm=fsm,
    )


# --- Scores as at a period -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scores:
    """Every school's risk as at ``as_of``.

    ``table``: ``school_id``, ``risk`` (calibrated probability), ``rank`` (1 = riskiest),
    ``band`` ("high": the riskiest 10%; "raised": the next 10%; "usual"), ``top_reasons``
    (up to three (feature, contribution in log-odds, plain words), the ones that pushed the
    risk up most), riskiest first. ``contributions``: every feature's push per school.
    """

    table: pd.DataFrame
    contributions: pd.DataFrame
    model: RiskModel
    as_of: str
    outcome: Outcome
    feature_info: pd.DataFrame
    training_examples: int
    training_positives: int
    training_periods: list[str]


def _number(value: float) -> str:
    return f"{round(float(value), 2):g}"


def _reason_words(info: Mapping[Any, Any], value: float, typical: float) -> str:
    source, kind = info["source"], info["kind"]
    if np.isnan(value):
        return f"no recent value for {info['description']}"
    if kind == "change":
        return f"{source} changed by {value:+.3g} on the period before (typical school: {typical:+.3g})"
    if info["feature"] == "inspection:grade":
        return f"latest inspection grade {int(value)} ({GRADE_NAMES.get(int(value), '?')})"
    if info["feature"] == "inspection:years_since":
        return f"{_number(value)} years since the latest inspection (typical school: {_number(typical)})"
    return f"{source} is {_number(value)} (typical school: {_number(typical)})"


def score(
    data: RiskData,
    outcome: Outcome,
    *,
    as_of: str,
    model: RiskModel | None = None,
    settings: RiskSettings | None = None,
    random_state: int = 0,
    kind: str = "auto",
) -> Scores:
    """Fit on every example whose outcome is known by ``as_of`` (outcome period ≤ ``as_of``,
    each as at the period before it) and score every school as at ``as_of``.

    ``model`` (unfitted or not) is fitted here; by default ``RiskModel(kind, random_state,
    settings)``. The same data and seed give the same scores.
    """
    settings = settings or RiskSettings()
    as_of = str(as_of)
    frames = _Frames.of(data)
    training: list[Examples] = []
    for period in _candidate_periods(frames, outcome):
        before = frames.previous(period)
        if period > as_of or before is None:
            continue
        built = _build(frames, outcome, before, period, settings)
        if built.y.notna().any():
            training.append(built)
    if not training:
        raise ValueError(f"no outcome is known by {as_of} to learn from ({outcome.describe()})")
    parts = [_known(examples) for examples in training]
    X = pd.concat([features for features, _ in parts])
    y = pd.concat([target for _, target in parts])
    model = model if model is not None else RiskModel(kind=kind, random_state=random_state, settings=settings)
    model.fit(X, y)

    current = _build(frames, outcome, as_of, None, settings)
    features = current.X
    risk = model.predict_proba(features)[:, 1]
    log_odds = model.log_odds(features)
    contributions = model.contributions(features)
    order = np.lexsort((np.arange(len(risk)), -log_odds, -risk))
    rank = np.empty(len(risk), dtype=np.int64)
    rank[order] = np.arange(1, len(risk) + 1)
    high = max(1, math.ceil(settings.high_share * len(risk) - _TOLERANCE))
    raised = max(high, math.ceil((settings.high_share + settings.raised_share) * len(risk) - _TOLERANCE))
    band = np.where(rank <= high, "high", np.where(rank <= raised, "raised", "usual"))

    feature_info = (
        pd.concat([examples.feature_info for examples in [*training, current]], ignore_index=True)
        .drop_duplicates("feature", keep="last")
        .set_index("feature", drop=False)
        .reindex(model.feature_names)
        .reset_index(drop=True)
    )
    info = {row["feature"]: row for row in feature_info.to_dict("records")}
    values = features.reindex(columns=model.feature_names).to_numpy(dtype=float)
    pushes = contributions.to_numpy(dtype=float)
    reasons = []
    for row in range(len(risk)):
        up = [j for j in np.argsort(-pushes[row], kind="stable")[: settings.reasons] if pushes[row, j] > 0]
        reasons.append(
            [
                (
                    model.feature_names[j],
                    float(pushes[row, j]),
                    _reason_words(info[model.feature_names[j]], values[row, j], float(model.medians_.iloc[j])),
                )
                for j in up
            ]
        )
    table = pd.DataFrame(
        {
            "school_id": features.index.to_numpy(),
            "risk": risk,
            "rank": rank,
            "band": band,
            "top_reasons": reasons,
        }
    )
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    return Scores(
        table=table,
        contributions=contributions,
        model=model,
        as_of=as_of,
        outcome=outcome,
        feature_info=feature_info,
        training_examples=len(y),
        training_positives=int(y.sum()),
        training_periods=[examples.outcome_period or "" for examples in training],
    )
