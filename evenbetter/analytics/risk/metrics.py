"""Ranking metrics: how well a score puts the schools that declined first, beside what a
random ranking would score."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from evenbetter.analytics.risk.settings import (
    _TOLERANCE,
    BASELINES,
    CALIBRATION_COLUMNS,
    METRICS,
    NOT_BASELINES,
    RANKINGS,
)


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


def best_recall_at(y: Sequence[float] | np.ndarray, share: float) -> float:
    """The most a ranking could find in the riskiest ``share`` of rows: every place holds a
    positive until they run out, so ``min(1, places / positives)`` — below 1 whenever the
    positives outnumber the places (at a prevalence of 40%, the riskiest 10% can hold at
    most a quarter of them)."""
    target = np.asarray(y, dtype=float)
    positives = target.sum()
    if positives == 0:
        return float("nan")
    _, places = _top_weights(np.zeros(len(target)), share)
    return float(min(1.0, places / positives))


def calibration_table(
    y: Sequence[float] | np.ndarray, risk: Sequence[float] | np.ndarray, bins: int = 10
) -> pd.DataFrame:
    """Rows grouped by their predicted risk into ``bins`` groups of (nearly) equal size, the
    least risky first (decile 1): rows, the mean predicted risk and the share that declined.
    Calibrated probabilities put the two side by side."""
    target = np.asarray(y, dtype=float)
    predicted = np.asarray(risk, dtype=float)
    if len(target) == 0:
        return pd.DataFrame(columns=CALIBRATION_COLUMNS).set_index("decile")
    # Ties broken by position so that equal risks still fill equal-sized groups.
    order = np.argsort(predicted, kind="stable")
    decile = np.empty(len(target), dtype=np.int64)
    decile[order] = np.arange(len(target)) * bins // len(target) + 1
    frame = pd.DataFrame({"decile": decile, "risk": predicted, "y": target})
    table = frame.groupby("decile").agg(
        n=("y", "size"), mean_risk=("risk", "mean"), observed=("y", "mean"), positives=("y", "sum")
    )
    table["positives"] = table["positives"].astype("int64")
    return table.reset_index()[CALIBRATION_COLUMNS].set_index("decile")


def best_baseline(table: pd.DataFrame, metric: str = "roc_auc") -> str | None:
    """The baseline of a backtest table (rows ``RANKINGS``) with the highest ``metric``; the
    model must beat the best of them, not the weakest (None when none has a value)."""
    baselines = table.drop(index=[name for name in NOT_BASELINES if name in table.index])[metric].dropna()
    return str(baselines.idxmax()) if len(baselines) else None


def _rows_metrics(rows: pd.DataFrame) -> pd.DataFrame:
    y = rows["y"].to_numpy(dtype=float)
    table = {
        "model": ranking_metrics(y, rows["ranking"].to_numpy(dtype=float), rows["risk"].to_numpy(dtype=float)),
        "random": random_expectation(y),
        "random_shuffle": ranking_metrics(y, rows["random_shuffle"].to_numpy(dtype=float)),
    }
    for name in BASELINES:
        score = rows[name].to_numpy(dtype=float) if name in rows else np.full(len(y), np.nan)
        if np.isnan(score).all():
            # A baseline with nothing to rank by (no inspections, no results) is not shown.
            table[name] = dict.fromkeys(METRICS, float("nan")) | {"positives": float(y.sum()), "n": float(len(y))}
            continue
        # A school with no value ranks as a middling one.
        table[name] = ranking_metrics(y, np.where(np.isnan(score), np.nanmedian(score), score))
    # A perfect ranking: the outcome itself. Its recall is the best possible at this prevalence.
    table["best_possible"] = ranking_metrics(y, y)
    frame = pd.DataFrame.from_dict(table, orient="index").reindex(index=RANKINGS, columns=METRICS)
    frame = frame.astype({"positives": "int64", "n": "int64"})
    frame.index.name = "ranking"
    return frame
