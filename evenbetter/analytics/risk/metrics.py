"""Ranking metrics: how well a score puts the schools that declined first, beside what a
random ranking would score."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from evenbetter.analytics.risk.settings import _TOLERANCE, METRICS, RANKINGS


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
