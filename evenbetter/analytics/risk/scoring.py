"""Scores as at a period: every school's calibrated risk, rank, band, the reasons that
pushed it up, in plain words, and the evidence each score rests on.

**Reasons that make sense.** A reason is an input that pushed a school's risk up. An input
with a declared direction is shown as a reason only when its value is worse than the
typical school's (the training median, from which contributions are measured): the model
is held to the declared directions (see :func:`~evenbetter.analytics.risk.model.declared_effects`),
and what could still slip through is set aside with why (``Scores.reasons``): the outcome
indicator's own level under an indicator fall (a school near the top has further to fall),
or an input whose push came from how the trees combine it with others.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evenbetter.analytics.risk.effects import EITHER, declared_effects, direction_effect, exempt_from_direction
from evenbetter.analytics.risk.examples import Examples, _build, _candidate_periods, _Frames, _known
from evenbetter.analytics.risk.settings import _TOLERANCE, Outcome, RiskData, RiskSettings, number
from evenbetter.vocabulary.grades import GRADE_NAMES

if TYPE_CHECKING:  # the model (scikit-learn) is loaded when a score is fitted, not by the pages that word one
    from evenbetter.analytics.risk.model import RiskModel

# A push of at least this many log-odds "raised the chance a lot": the odds of decline rose
# by more than half (times e**0.5, about 1.65); below it, "a little".
A_LOT = 0.5
# Why a push is set aside rather than shown: the outcome's own indicator (see model.py), or
# an input no worse than the typical school's that the trees' interactions moved.
NO_WORSE_THAN_TYPICAL = "no_worse_than_typical"
REASON_COLUMNS = [
    "school_id",
    "feature",
    "source",
    "kind",
    "direction",
    "contribution",
    "value",
    "typical",
    "shown",
    "left_out",
]
EVIDENCE_COLUMNS = ["indicators", "indicators_in_model", "newest", "oldest", "inspection"]


def how_much(contribution: float) -> str:
    """A push in words: "a lot" or "a little" (up), "lowered it" (down).

    >>> how_much(0.8), how_much(0.1), how_much(-0.3)
    ('a lot', 'a little', 'lowered it')
    """
    if contribution <= 0:
        return "lowered it"
    return "a lot" if contribution >= A_LOT else "a little"


@dataclass(frozen=True, eq=False)
class Scores:
    """Every school's risk as at ``as_of``.

    ``table``: ``school_id``, ``risk`` (calibrated probability), ``rank`` (1 = riskiest),
    ``band`` ("high": the riskiest 10%; "raised": the next 10%; "usual"), ``top_reasons``
    (up to three (feature, contribution in log-odds, plain words), the ones that pushed the
    risk up most), riskiest first. ``contributions``: every feature's push per school.
    ``reasons``: the pushes considered for each school's reasons, one row each (columns
    ``REASON_COLUMNS``): those shown (``shown``) and those set aside, with why (``left_out``:
    ``FURTHER_TO_FALL`` or ``NO_WORSE_THAN_TYPICAL``). ``evidence``: per school (the index),
    what its score rests on (``EVIDENCE_COLUMNS``): how many of the model's indicators it has
    a value for, the periods of the newest and the oldest of those latest values, and the
    period of its latest inspection ("" when none is read).
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
    reasons: pd.DataFrame
    evidence: pd.DataFrame


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

    ``model`` (unfitted or not) is fitted here, held to the inputs' declared directions
    (:func:`~evenbetter.analytics.risk.model.declared_effects`; ``RiskModel(constrain=False)``
    to fit freely); by default ``RiskModel(kind, random_state, settings)``. The same data and
    seed give the same scores.
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
    current = _build(frames, outcome, as_of, None, settings)
    every_info = (
        pd.concat([examples.feature_info for examples in [*training, current]], ignore_index=True)
        .drop_duplicates("feature", keep="last")
        .set_index("feature", drop=False)
    )
    from evenbetter.analytics.risk.model import RiskModel

    model = model if model is not None else RiskModel(kind=kind, random_state=random_state, settings=settings)
    model.fit(X, y, effects=declared_effects(every_info, outcome))

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

    feature_info = every_info.reindex(model.feature_names).reset_index(drop=True)
    info = {row["feature"]: row for row in feature_info.to_dict("records")}
    values = features.reindex(columns=model.feature_names).to_numpy(dtype=float)
    pushes = contributions.to_numpy(dtype=float)
    reasons, considered = _reasons(model, info, outcome, features.index.to_numpy(), values, pushes, settings.reasons)
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
        reasons=considered,
        evidence=_evidence(frames, as_of, features, model.feature_names, info),
    )


def _reasons(
    model: RiskModel,
    info: Mapping[Any, Mapping[Any, Any]],
    outcome: Outcome,
    schools: np.ndarray,
    values: np.ndarray,
    pushes: np.ndarray,
    shown_at_most: int,
) -> tuple[list[list[tuple[str, float, str]]], pd.DataFrame]:
    """Each school's top reasons (feature, push, words), and every push considered for them:
    the pushes up, largest first, until ``shown_at_most`` are shown. A push up by an input
    with a declared direction whose value is no worse than the typical school's is set aside,
    never shown: it would read as "raised the risk by being better"."""
    names = model.feature_names
    typical = model.medians_.to_numpy(dtype=float)
    effect = np.array([direction_effect(str(info[name]["direction"])) for name in names])
    # Worse than typical, the way each input's direction runs (missing is not "better").
    worse = (effect[None, :] * (values - typical[None, :]) > 0) | np.isnan(values) | (effect[None, :] == EITHER)
    top: list[list[tuple[str, float, str]]] = []
    records: list[tuple[Any, ...]] = []
    for row in range(len(schools)):
        shown: list[tuple[str, float, str]] = []
        for j in np.argsort(-pushes[row], kind="stable"):
            if len(shown) >= shown_at_most or pushes[row, j] <= 0:
                break
            feature = info[names[j]]
            left_out = ""
            if not worse[row, j]:
                left_out = exempt_from_direction(str(feature["source"]), outcome) or NO_WORSE_THAN_TYPICAL
            else:
                shown.append(
                    (names[j], float(pushes[row, j]), _reason_words(feature, values[row, j], float(typical[j])))
                )
            records.append(
                (
                    schools[row],
                    names[j],
                    str(feature["source"]),
                    str(feature["kind"]),
                    str(feature["direction"]),
                    float(pushes[row, j]),
                    float(values[row, j]),
                    float(typical[j]),
                    not left_out,
                    left_out,
                )
            )
        top.append(shown)
    return top, pd.DataFrame.from_records(records, columns=REASON_COLUMNS)


def _evidence(
    frames: _Frames,
    as_of: str,
    features: pd.DataFrame,
    feature_names: list[str],
    info: Mapping[Any, Mapping[Any, Any]],
) -> pd.DataFrame:
    """What each school's score rests on: the model's indicators it has a value for as at
    ``as_of``, the periods of the newest and oldest of those latest values, its latest inspection."""
    schools = features.index
    coded = frames.coded
    indicators = set(coded.indicators)
    by_source: dict[str, list[str]] = {}
    for name in feature_names:
        by_source.setdefault(str(info[name]["source"]), []).append(name)
    sources = sorted(source for source in by_source if source in indicators)
    known = np.column_stack(
        [features.reindex(columns=by_source[source]).notna().any(axis=1).to_numpy() for source in sources]
        or [np.zeros(len(schools), dtype=bool)]
    )[:, : len(sources)]
    # The observations of the sources up to as_of, as positions in the run's numbered
    # observations (``_Frames.coded``: no string is compared or looked up again).
    column_of = np.full(len(coded.indicators), -1)
    column_of[[coded.indicators.index(source) for source in sources]] = np.arange(len(sources))
    past = np.flatnonzero(
        (coded.period < bisect.bisect_right(frames.periods, as_of)) & (column_of[coded.indicator] >= 0)
    )
    periods_held = {frames.periods[code] for code in np.unique(coded.period[past]).tolist()}
    timeline = sorted(periods_held | set(frames.inspections["period"].tolist()))
    position = {period: i for i, period in enumerate(timeline)}
    # The newest period as its place on the timeline (a whole number: pandas takes the largest
    # of strings row by row in Python, seconds on a national file), per school and source.
    place_of = np.asarray([position.get(period, -1) for period in frames.periods], dtype=float)
    newest_place = np.full((len(schools), len(sources)), -np.inf)
    rows = schools.get_indexer(pd.Index(coded.school_id[past]))
    ours = rows >= 0
    np.maximum.at(
        newest_place, (rows[ours], column_of[coded.indicator[past]][ours]), place_of[coded.period[past]][ours]
    )
    wide = np.where(np.isinf(newest_place), np.nan, newest_place)
    wide = np.where(known, wide, np.nan)
    counts = known.sum(axis=1) if len(sources) else np.zeros(len(schools), dtype=np.int64)
    with np.errstate(all="ignore"):
        newest = np.where(counts > 0, np.nanmax(np.where(np.isnan(wide), -np.inf, wide), axis=1), np.nan)
        oldest = np.where(counts > 0, np.nanmin(np.where(np.isnan(wide), np.inf, wide), axis=1), np.nan)

    def label(index: float) -> str:
        return "" if np.isnan(index) else timeline[int(index)]

    inspected = pd.Series("", index=schools, dtype=object)
    if "inspection" in by_source and not frames.inspections.empty:
        held = frames.inspections[frames.inspections["period"] <= as_of].groupby("school_id")["period"].max()
        inspected = held.reindex(schools).fillna("").astype(str)
    return pd.DataFrame(
        {
            "indicators": counts.astype(np.int64),
            "indicators_in_model": len(sources),
            "newest": [label(i) for i in newest],
            "oldest": [label(i) for i in oldest],
            "inspection": inspected.to_numpy(dtype=object),
        },
        index=schools,
        columns=EVIDENCE_COLUMNS,
    )


# --- How sure: the score beside what happened to schools scored alike in the backtest -----

CONFIDENCE_COLUMNS = ["low", "high", "n", "declined", "rate", "rate_low", "rate_high"]
# The share that declined is given with a 90% interval (Wilson's): "likely between".
_Z90 = 1.6448536269514722


def wilson_interval(declined: int, n: int, z: float = _Z90) -> tuple[float, float]:
    """The interval for a share ``declined / n`` (Wilson's score interval, which stays inside
    0..1 and behaves with few rows).

    >>> [round(x, 3) for x in wilson_interval(30, 100)]
    [0.231, 0.38]
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n <= 0:
        return 0.0, 1.0
    share = declined / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# Where the bands of scores start: narrow where most scores are, wider above.
CONFIDENCE_EDGES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8)


def confidence_bands(
    risk: np.ndarray,
    declined: np.ndarray,
    *,
    edges: tuple[float, ...] = CONFIDENCE_EDGES,
    min_rows: int = 30,
) -> pd.DataFrame:
    """Held-out scores (a backtest's ``risk`` and ``y``) in bands of score starting at
    ``edges``, lowest first, a band with fewer than ``min_rows`` rows merged into the one
    above it (the top one into the one below): the range of scores in it (``low``,
    ``high``), how many (``n``), how many declined, the share and its 90% interval. A new
    score read against the band whose range holds it says how sure it is: "of 120 schools
    scored like this, 31 declined". Empty when there are fewer than ``min_rows`` rows."""
    risk = np.asarray(risk, dtype=float)
    declined = np.asarray(declined, dtype=float)
    known = ~np.isnan(risk) & ~np.isnan(declined)
    risk, declined = risk[known], declined[known]
    if len(risk) < max(min_rows, 1):
        return pd.DataFrame(columns=CONFIDENCE_COLUMNS)
    which = np.searchsorted(np.asarray(edges[1:]), risk, side="right")
    groups: list[np.ndarray] = [np.flatnonzero(which == band) for band in range(len(edges))]
    groups = [group for group in groups if len(group)]
    merged: list[np.ndarray] = []
    pending = np.zeros(0, dtype=np.int64)
    for group in groups:
        pending = np.concatenate([pending, group])
        if len(pending) >= min_rows:
            merged.append(pending)
            pending = np.zeros(0, dtype=np.int64)
    if len(pending):
        if merged:
            merged[-1] = np.concatenate([merged[-1], pending])
        else:
            merged.append(pending)
    records = []
    for part in merged:
        n, hit = len(part), int(declined[part].sum())
        low, high = wilson_interval(hit, n)
        records.append((float(risk[part].min()), float(risk[part].max()), n, hit, hit / n, low, high))
    return pd.DataFrame.from_records(records, columns=CONFIDENCE_COLUMNS)


def confidence_band_of(risk: float, bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The band (one of :func:`confidence_bands`' rows, as dicts) whose scores are nearest
    ``risk``: the one whose range holds it, else the nearest end."""
    if not bands:
        return None

    def distance(band: dict[str, Any]) -> float:
        return max(float(band["low"]) - risk, risk - float(band["high"]), 0.0)

    return min(bands, key=distance)
