"""Scores as at a period: every school's calibrated risk, rank, band and the reasons that
pushed it up, in plain words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evenbetter.analytics.risk.examples import Examples, _build, _candidate_periods, _Frames, _known
from evenbetter.analytics.risk.model import RiskModel
from evenbetter.analytics.risk.settings import _TOLERANCE, Outcome, RiskData, RiskSettings, number
from evenbetter.vocabulary.grades import GRADE_NAMES


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


def _reason_words(info: Mapping[Any, Any], value: float, typical: float) -> str:
    source, kind = info["source"], info["kind"]
    if np.isnan(value):
        return f"no recent value for {info['description']}"
    if kind == "change":
        return f"{source} changed by {value:+.3g} on the period before (typical school: {typical:+.3g})"
    if info["feature"] == "inspection:grade":
        return f"latest inspection grade {int(value)} ({GRADE_NAMES.get(int(value), '?')})"
    if info["feature"] == "inspection:years_since":
        return f"{number(value)} years since the latest inspection (typical school: {number(typical)})"
    return f"{source} is {number(value)} (typical school: {number(typical)})"


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
