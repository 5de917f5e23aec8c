"""What the early warning is asked (an :class:`Outcome`), what it reads (:class:`RiskData`)
and how it is tuned (:class:`RiskSettings`); the names every part of ``risk`` shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evenbetter.vocabulary.directions import HIGHER, LOWER
from evenbetter.vocabulary.grades import GRADE_NAMES

INSPECTION_BELOW, INDICATOR_FALL = "inspection_below", "indicator_fall"
MODEL_KINDS = ("auto", "logistic", "boosting")

TEMPORAL = "temporal"
CROSS_VALIDATION = "cross-validation: only one outcome period"
METRICS = ["roc_auc", "average_precision", "brier", "recall_at_10", "recall_at_20", "positives", "n"]
# The simple rankings a backtest sets beside the model, each a column of ``Examples.baselines``
# (higher = riskier), in the order a report lists them.
BASELINES = ["worst_current", "best_current", "last_outcome", "grade_then_time", "worst_results"]
# The rows of a backtest table: the model, then the baselines ranked on the same test rows,
# then a perfect ranking (the outcome itself): the best any ranking could do at that prevalence.
RANKINGS = ["model", "random", "random_shuffle", *BASELINES, "best_possible"]
# What each row of a backtest table is, in plain words.
RANKING_NAMES: dict[str, str] = {
    "model": "the model",
    "random": "a random order (what it scores on average)",
    "random_shuffle": "one random order",
    "worst_current": "worst current value first (for inspections: the latest grade, worst first)",
    "best_current": "highest current value first (for a fall: the schools with the most room to fall)",
    "last_outcome": "last time's outcome repeated",
    "grade_then_time": "the latest inspection grade, worst first, then the longest since it",
    "worst_results": "worst recent results first (position among similar schools)",
    "best_possible": "a perfect ranking: the best possible at this prevalence",
}
# Rankings that are not baselines a model must beat.
NOT_BASELINES = ("model", "random", "random_shuffle", "best_possible")
CALIBRATION_COLUMNS = ["decile", "n", "mean_risk", "observed", "positives"]
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
# The same report for a context column of categories (phase, region): one row per category.
GROUP_COLUMNS = ["n", "positives", "prevalence", "mean_risk", "recall_at_20", "share_of_riskiest_20"]
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
    # school_id, period, grade (1..4), optional date (the day it was inspected; NaT unknown)
    inspections: pd.DataFrame | None = None
    extra_features: pd.DataFrame | None = None  # school_id, period, feature, value
    # school_id, fsm; optional categories for the fairness report (phase, region)
    context: pd.DataFrame | None = None
    # indicator -> how many periods after its own a value is published (0: known by the end
    # of its period). Key stage results of 2016/17 are published in the autumn of 2017/18:
    # 1. A feature as at a period reads only values published by then.
    publication_lags: Mapping[str, int] = field(default_factory=dict)
    # school_id, group, optional period: the school's family or band; a result's position
    # is its percentile within the group. Without it: among every school with a value.
    groups: pd.DataFrame | None = None


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
    # Inspection history: the window of the history features, in years before as_of.
    history_years: int = 10
    # The usual years between routine inspections after each grade (England, 2012-2020):
    # Good about every 4 years, Requires improvement within 30 months, Inadequate sooner
    # (monitoring, then a full inspection within about 2 years). Outstanding schools were
    # exempt from routine inspection (September 2012 to 2020), so they have no interval.
    usual_intervals: tuple[tuple[int, float], ...] = ((2, 4.0), (3, 2.5), (4, 2.0))
    # Backtest: train on at most this many outcome periods before the one tested (None: all).
    max_train_periods: int | None = None
    # Threads for the numerical libraries while fitting and predicting (None: their default).
    # On a small shared machine two OpenMP threads can spin against other work and make the
    # trees ten times slower; one thread is steady, and fast enough for a few thousand schools.
    threads: int | None = 1


def number(value: float) -> str:
    """A value as a reader sees it: at most two decimals, no trailing zeros."""
    return f"{round(float(value), 2):g}"
