"""Early warning: which schools are likely to decline next, how sure we are, and why.

Pure functions on pandas data frames; no Django. One module per job: ``settings`` (the
outcome, the inputs, the knobs), ``examples`` (features as at a period), ``model``,
``metrics``, ``backtest``, ``scoring`` (scores and their reasons).

Everything reads the platform's generic **long** format, so the model runs on any
authority's data, not only England's files:

- ``observations``: ``school_id``, ``indicator``, ``period``, ``value``;
- ``inspections`` (optional): ``school_id``, ``period``, ``grade`` (1 Outstanding .. 4 Inadequate),
  optional ``date`` (the day; the history features count time to the day when it is known);
- ``extra_features`` (optional): ``school_id``, ``period``, ``feature``, ``value`` — trigger
  states, family percentiles or anything else computed elsewhere;
- ``context`` (optional): ``school_id``, ``fsm`` and optional categories (``phase``,
  ``region``), for the fairness report only;
- ``publication_lags`` (optional): indicator -> periods after its own that a value is
  published (results of 2016/17 are public in 2017/18: 1); ``groups`` (optional):
  ``school_id``, ``group`` (and ``period``): the family or band a result's position is
  taken in.

Periods are labels such as ``"2017/18"`` that sort oldest first as strings.

What counts as decline is the authority's choice (:class:`Outcome`): the next inspection
below a grade, or an indicator getting worse by at least so many units by the next period.

**Nothing from the future.** :func:`build_examples` makes one row per school *as at* a
period: the features read only rows whose period is at or before ``as_of`` (which
indicators count as covered, too) and, for an indicator with a publication lag, only
values published by then; the outcome only rows after it. Features: each indicator's
level, change and position among similar schools; the inspection history (latest and
previous grade, time since to the day, ten years' worst grade, count below Good and
trend, and whether an inspection is falling due for its grade); extra features. A model trained on
examples whose outcome is known and scored on schools as at today is then the model the
system could really have had.

**Explainable before clever.** Two models, both with per-school reasons in log-odds:

- ``logistic``: median imputation with missing-value flags, standardised, logistic
  regression; each feature's contribution is its coefficient times its standardised
  distance from the training median (a typical school), so contributions plus
  ``base_log_odds`` (the typical school's log-odds) are exactly the model's log-odds;
- ``boosting``: gradient-boosted trees; contributions by occlusion (set one feature to
  the training median, see how far the log-odds move). That is an approximation: trees
  interact, so the raw occlusion effects do not add up; the difference is shared out in
  proportion to each effect's size so that the shown contributions do add up to the
  log-odds minus ``base_log_odds`` (the log-odds of a school at every training median).

**Reasons that make sense.** Each input's effect is held to its declared direction
(monotonic constraints for the trees, a sign-constrained fit for the logistic model; see
``model.declared_effects``): fewer governor vacancies never raise the risk. A push up by an
input no worse than typical is set aside with why, never shown as a reason (``scoring``).

``auto`` (the default) picks the one with the better average precision in a grouped
cross-validation on the training data, and keeps the logistic model unless the trees
are clearly better (``RiskSettings.prefer_logistic_margin``). Probabilities are
calibrated (``CalibratedClassifierCV``: sigmoid, or isotonic once there are at least
200 positives).

**Honest evaluation.** :func:`backtest` trains on earlier outcome periods and tests on
the next, beside baselines ranked on the same rows (random; worst current value first and
its opposite, so that a fall is never compared only with a backwards ranking; last
period's outcome; latest grade then the longest since; worst recent results) and a
perfect ranking (the best recall possible at the prevalence); with only one outcome
period it falls back to cross-validation and says so. :meth:`Backtest.best_baseline`
names the baseline the model must beat; :meth:`Backtest.by_fsm_quintile` and
:meth:`Backtest.by_group` show whether the model just learned disadvantage or a phase
or region.

Example
-------
>>> Outcome(kind="indicator_fall", indicator="reading_progress", fall=2, label="Reading progress").describe()
'Reading progress falls by 2 or more by the next period'
>>> Outcome(kind="inspection_below", grade=2).describe()
'the next inspection is below Good'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Callers import from the module that does the job; these names stay here so that code
# written against the single module keeps working. The ones from modules that load
# scikit-learn (a second or more of every process's start) are loaded when first asked for,
# so that importing a light module of this package (``settings``, ``effects``, ``examples``)
# does not load the model. The function ``backtest`` is imported from its module
# (``from evenbetter.analytics.risk.backtest import backtest``): here, the name is the module's.
from evenbetter.analytics.risk.settings import (
    CROSS_VALIDATION,
    FAIRNESS_COLUMNS,
    FEATURE_INFO_COLUMNS,
    INDICATOR_FALL,
    INSPECTION_BELOW,
    METRICS,
    MODEL_KINDS,
    PUBLISHED_ANCHOR,
    RANKINGS,
    SCORE_COLUMNS,
    TEMPORAL,
    Outcome,
    RiskData,
    RiskSettings,
)
from evenbetter.vocabulary.directions import HIGHER, LOWER, NEITHER

if TYPE_CHECKING:
    from evenbetter.analytics.risk.backtest import Backtest
    from evenbetter.analytics.risk.examples import Examples, build_examples
    from evenbetter.analytics.risk.metrics import random_expectation, ranking_metrics, recall_at
    from evenbetter.analytics.risk.model import RiskModel
    from evenbetter.analytics.risk.scoring import Scores, score

_LAZY = {
    "Backtest": "backtest",
    "Examples": "examples",
    "build_examples": "examples",
    "random_expectation": "metrics",
    "ranking_metrics": "metrics",
    "recall_at": "metrics",
    "RiskModel": "model",
    "Scores": "scoring",
    "score": "scoring",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "CROSS_VALIDATION",
    "FAIRNESS_COLUMNS",
    "FEATURE_INFO_COLUMNS",
    "HIGHER",
    "INDICATOR_FALL",
    "INSPECTION_BELOW",
    "LOWER",
    "METRICS",
    "MODEL_KINDS",
    "NEITHER",
    "PUBLISHED_ANCHOR",
    "RANKINGS",
    "SCORE_COLUMNS",
    "TEMPORAL",
    "Backtest",
    "Examples",
    "Outcome",
    "RiskData",
    "RiskModel",
    "RiskSettings",
    "Scores",
    "build_examples",
    "random_expectation",
    "ranking_metrics",
    "recall_at",
    "score",
]
