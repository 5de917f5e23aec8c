"""Matching a help request to the schools that could give the help, with the reasons.

Pure functions on pandas data frames; no Django.

A school asks for help in one area (early reading, attendance, governance, SEND ...).
Every possible supporter gets six **components**, each from 0 (no use) to 1 (as good as
it gets); the **match score** is their weighted mean, so each suggestion can show every
component, how much it counted (its weight times its value, over the total weight: the
contributions add up to the score) and a sentence for each, strongest first.

- **strength**: the candidate's family percentile in the area / 100. Relative to its own
  family, not raw results: raw results favour schools with advantaged intakes, while a
  school that does better than 90% of schools like it has practice worth learning,
  whatever its intake. It reads as the percentile does: 0.86 = better than 86%. This is
  a score to rank by; whether a school is *called* strong in the area is not decided
  here but by the one rule (``analytics.strengths.strong_in_areas``), given in
  ``strong_in_area`` with its evidence in words in ``strength_evidence``.
- **similarity**: ``1 / (1 + (d / similarity_scale)²)`` of the family-style context
  distance ``d`` between candidate and requester: 1 for an identical context, 0.5 at
  ``d = similarity_scale``, 0.2 at twice it, falling smoothly and never negative, so no
  cut-off makes a school at 2.01 look unlike one at 1.99.
- **distance**: ``1 - km / max_km``, 0 beyond ``max_km``: a near school can visit and be
  visited without losing a day to travel. Straight-line (haversine) km.
- **capacity**: days a term it can still give / ``full_capacity_days``, at most 1.
- **load**: ``1 - current supports / full_load``, at least 0: a school already helping
  others has less attention to give.
- **track record**: the mean felt benefit (0..1) of the support it gave before, shrunk
  towards a neutral 0.5 as if ``track_record_prior`` more supports had been rated 0.5, so
  one glowing (or poor) review does not outweigh a record of many.

**A partner agency or local-authority service** is a candidate like a school (a row with
``agency_id`` and no ``school_id``). It is not measured by school results, so its
strength is its **declared area**: an agency that offers help in the area (``declared_area``)
counts ``declared_area_strength`` (0.75, as strong as a school better than three in four
of its family), one that does not is never suggested. Likeness to a school does not apply
to it (``unknown``), and its distance is 1 when it already works with the school or its
locality (``works_with_requester``), ``unknown`` otherwise; capacity, load and track
record are read as for a school. Its reasons say all of this in words.

What is not known (no offer of time recorded, no context distance, no location) counts
``unknown`` (0.3): a little below the middle, so it neither rules a school out nor lets
it beat one whose value is known to be fair. A school of **another phase** is still
suggested (a primary can learn attendance, governance or SEND from a secondary, and a
secondary early reading from a primary), but context is measured within a phase, so its
similarity counts ``other_phase_factor`` (half) and a reason says so.

**Never suggested**, with the reason in ``excluded``: the requester itself; a school on
the watch list for the area (it needs help there itself); a school not measured in the
area, or below ``min_strength_percentile`` in it and not strong in it by the one rule; a school whose offer of time is used up
(0 days left). Ties go to the lower ``school_id``, so the same data always gives the same
list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evenbetter.analytics.families import haversine_km

COMPONENTS = ("strength", "similarity", "distance", "capacity", "load", "track_record")

CANDIDATE_COLUMNS = [
    "school_id",
    "name",
    "phase",
    "latitude",
    "longitude",
    "strength_percentile",
    "strong_in_area",
    "strength_evidence",
    "context_distance",
    "capacity_days_left",
    "current_supports",
    "past_supports",
    "past_benefit",
    "on_watch_list_for_area",
]

SUGGESTION_COLUMNS = [
    "rank",
    "school_id",
    "agency_id",
    "name",
    "score",
    *COMPONENTS,
    *(f"{name}_contribution" for name in COMPONENTS),
    "km",
    "same_phase",
    "strength_percentile",
    "strong_in_area",
    "strength_evidence",
    "context_distance",
    "capacity_days_left",
    "current_supports",
    "past_supports",
    "past_benefit",
    "reasons",
]

# Optional: an agency's rows carry its id (and no school_id), whether it offers help in the
# area, and whether it already works with the requester's school or locality.
AGENCY_COLUMNS = ["agency_id", "declared_area", "works_with_requester"]

EXCLUDED_COLUMNS = ["school_id", "agency_id", "name", "reason"]

# Scores this close count as a tie (then the lower school_id goes first): a weighted mean
# taken in a different order can differ in the last bits.
_TIE_DECIMALS = 9


@dataclass(frozen=True)
class MatchSettings:
    # Weights of each component in the match score. They need not sum to 1: the score is
    # the weighted mean of the components, so it stays in 0..1.
    strength: float = 0.35  # family percentile in the area, not raw results
    similarity: float = 0.25  # a school like ours
    distance: float = 0.15  # nearer is easier to visit
    capacity: float = 0.10  # days per term it can still give
    load: float = 0.05  # supports it is already giving
    track_record: float = 0.10  # how past support it gave was felt
    # Beyond this many km the distance component is 0.
    max_km: float = 60.0
    # The context distance at which the similarity component is 0.5.
    similarity_scale: float = 2.0
    # Below this family percentile in the area a school is not suggested for it at all,
    # unless it is strong in the area by the one rule (a strength in one of its indicators).
    min_strength_percentile: float = 60.0
    # How many suggestions to return.
    top: int = 10
    # This many days a term still to give, or more, is a full capacity component.
    full_capacity_days: float = 5.0
    # This many supports already under way, or more, is a load component of 0.
    full_load: int = 3
    # A track record is shrunk towards 0.5 as if this many more supports had been rated 0.5.
    track_record_prior: float = 2.0
    # The component for what is not known: no offer of time, no context distance, no location.
    unknown: float = 0.3
    # A school of another phase has its similarity multiplied by this.
    other_phase_factor: float = 0.5
    # An agency's strength component when it offers help in the area (its declared area).
    declared_area_strength: float = 0.75

    def weights(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True)
class MatchResult:
    """``suggestions``: ranked, columns ``SUGGESTION_COLUMNS``; ``excluded``: ``EXCLUDED_COLUMNS``."""

    suggestions: pd.DataFrame
    excluded: pd.DataFrame


def _flags(column: pd.Series) -> np.ndarray:
    """A yes/no column where a blank means no."""
    return column.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _request_value(request: pd.Series | Mapping[str, Any], key: str) -> Any:
    value = request.get(key)
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _phase(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip().lower()


def _check(settings: MatchSettings) -> None:
    weights = settings.weights()
    if any(weight < 0 for weight in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("match weights must be zero or more, and at least one above zero")
    if settings.max_km <= 0 or settings.similarity_scale <= 0 or settings.full_capacity_days <= 0:
        raise ValueError("max_km, similarity_scale and full_capacity_days must be above zero")
    if settings.full_load < 1 or settings.track_record_prior < 0:
        raise ValueError("full_load must be at least 1 and track_record_prior zero or more")
    if not 0 <= settings.declared_area_strength <= 1:
        raise ValueError("declared_area_strength must be between 0 and 1")


def _with_agency_columns(candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidates with the agency columns filled in: none of them an agency when absent."""
    candidates = candidates.copy()
    if "agency_id" not in candidates.columns:
        candidates["agency_id"] = None
    for column in ("declared_area", "works_with_requester"):
        if column not in candidates.columns:
            candidates[column] = False
    return candidates


def _is_agency(candidates: pd.DataFrame) -> np.ndarray:
    return candidates["agency_id"].notna().to_numpy(dtype=bool)


def _ids(column: pd.Series, keep: np.ndarray) -> list[int | None]:
    """Whole-number ids where ``keep``, None elsewhere (a school has no agency id, and back)."""
    return [int(value) if kept else None for value, kept in zip(column.to_numpy(), keep, strict=True)]


def _exclusions(
    candidates: pd.DataFrame, requester_id: Any, area: str, settings: MatchSettings
) -> tuple[np.ndarray, list[str]]:
    """Which candidates are never suggested, and why in plain words (every rule that applies)."""
    agency_array = _is_agency(candidates)
    is_self = ((candidates["school_id"] == requester_id).to_numpy(dtype=bool) & ~agency_array).tolist()
    # Plain lists, not arrays: one row at a time, a list is read several times faster (a whole
    # country is 24,000 candidates, most of them left out with their reason).
    agency = agency_array.tolist()
    declared = _flags(candidates["declared_area"]).tolist()
    watched = _flags(candidates["on_watch_list_for_area"]).tolist()
    percentile = _numbers(candidates["strength_percentile"]).tolist()
    strong = _flags(candidates["strong_in_area"]).tolist()
    days = _numbers(candidates["capacity_days_left"]).tolist()
    lowest = settings.min_strength_percentile
    reasons: list[str] = []
    for row in range(len(candidates)):
        if is_self[row]:
            reasons.append("the school asking for help")
            continue
        found = []
        if agency[row]:
            # An agency's strength is the area it declares, not a percentile.
            if not declared[row]:
                found.append(f"an agency that does not offer help in {area}")
        else:
            if watched[row]:
                found.append(f"itself on the watch list for {area}")
            if math.isnan(percentile[row]):
                found.append(f"no measure of its strength in {area}")
            elif percentile[row] < lowest and not strong[row]:
                found.append(
                    f"not strong enough in {area}: better than {_percent(percentile[row])}% of its family, "
                    f"below the {lowest:g}% asked for"
                )
        if not math.isnan(days[row]) and days[row] <= 0:
            found.append("its offer of time is used up: no days left to give this term")
        reasons.append("; ".join(found))
    excluded = np.array([bool(reason) for reason in reasons], dtype=bool)
    return excluded, reasons


def _components(
    candidates: pd.DataFrame, request: pd.Series | Mapping[str, Any], settings: MatchSettings
) -> pd.DataFrame:
    """The six components (0..1) and the inputs they came from, one row per candidate."""
    agency = _is_agency(candidates)
    percentile = _numbers(candidates["strength_percentile"])
    # An agency is not measured by school results: its declared area is its strength.
    strength = np.where(agency, settings.declared_area_strength, np.clip(percentile / 100.0, 0.0, 1.0))

    context = _numbers(candidates["context_distance"])
    alike = np.where(
        np.isnan(context) | agency, settings.unknown, 1.0 / (1.0 + (context / settings.similarity_scale) ** 2)
    )
    requester_phase = _phase(_request_value(request, "phase"))
    phases = np.array([_phase(value) for value in candidates["phase"]], dtype=object)
    # An unknown phase on either side is not held against a school.
    same_phase = (phases == requester_phase) | (phases == "") | (requester_phase == "")
    similarity = np.where(same_phase, alike, alike * settings.other_phase_factor)

    lat, lon = _request_value(request, "latitude"), _request_value(request, "longitude")
    km = haversine_km(
        float(lat) if lat is not None else np.nan,
        float(lon) if lon is not None else np.nan,
        _numbers(candidates["latitude"]),
        _numbers(candidates["longitude"]),
    )
    distance = np.where(np.isnan(km), settings.unknown, np.clip(1.0 - km / settings.max_km, 0.0, 1.0))
    works_here = _flags(candidates["works_with_requester"])
    distance = np.where(agency, np.where(works_here, 1.0, settings.unknown), distance)

    days = _numbers(candidates["capacity_days_left"])
    capacity = np.where(np.isnan(days), settings.unknown, np.clip(days / settings.full_capacity_days, 0.0, 1.0))

    # No supports recorded is no supports.
    current = np.nan_to_num(_numbers(candidates["current_supports"]), nan=0.0)
    load = np.clip(1.0 - current / settings.full_load, 0.0, 1.0)

    past = np.nan_to_num(_numbers(candidates["past_supports"]), nan=0.0)
    benefit = _numbers(candidates["past_benefit"])
    rated = (past > 0) & ~np.isnan(benefit)
    prior = settings.track_record_prior
    with np.errstate(divide="ignore", invalid="ignore"):
        shrunk = (past * np.nan_to_num(benefit) + prior * 0.5) / (past + prior)
    track_record = np.where(rated, np.clip(shrunk, 0.0, 1.0), 0.5)

    return pd.DataFrame(
        {
            "strength": strength,
            "similarity": similarity,
            "distance": distance,
            "capacity": capacity,
            "load": load,
            "track_record": track_record,
            "km": km,
            "same_phase": same_phase.astype(bool),
            "strength_percentile": percentile,
            "strong_in_area": _flags(candidates["strong_in_area"]),
            "strength_evidence": candidates["strength_evidence"].fillna("").astype(str).to_numpy(),
            "context_distance": context,
            "capacity_days_left": days,
            "current_supports": current.astype(np.int64),
            "past_supports": past.astype(np.int64),
            "past_benefit": np.where(rated, benefit, np.nan),
            "phase": phases,
            "is_agency": agency,
            "works_with_requester": works_here,
        },
        index=candidates.index,
    )


def _percent(percentile: float) -> str:
    """A percentile in words, rounded down: a school is never said to be better than it is
    (59.9 is not "better than 60%", which would read as meeting a 60% bar)."""
    return f"{math.floor(percentile):d}"


def _days(days: float) -> str:
    return f"{days:g} day{'' if days == 1 else 's'}"


def _component_reasons(row: pd.Series, area: str, requester_phase: str, settings: MatchSettings) -> dict[str, str]:
    """One sentence per component, in the words a headteacher would use."""
    if row["is_agency"]:
        return _agency_reasons(row, area, settings)
    percentile = float(row["strength_percentile"])
    # "Strong" only by the one rule (analytics.strengths), with its evidence in its words.
    if row["strong_in_area"]:
        strength = (
            f"Strong in {area} for a school like it: better than {_percent(percentile)}% of its family; "
            f"{row['strength_evidence']}"
        )
    else:
        strength = f"Above the middle of its family in {area}: better than {_percent(percentile)}% of schools like it"

    context = float(row["context_distance"])
    if np.isnan(context):
        similarity = "How alike the two schools are is not known"
    elif context <= settings.similarity_scale:
        similarity = f"A school like yours: context distance {context:.1f}"
    else:
        similarity = f"Less like yours than most: context distance {context:.1f}"
    if not row["same_phase"]:
        similarity += f"; a {row['phase']} school, not {requester_phase}, so its likeness counts half"

    km = float(row["km"])
    if np.isnan(km):
        distance = "Distance not known: no location held for one of the schools"
    elif km < 1:
        distance = "Less than 1 km away"
    else:
        distance = f"{km:.0f} km away"

    capacity, load, track_record = _record_reasons(row)
    return {
        "strength": strength,
        "similarity": similarity,
        "distance": distance,
        "capacity": capacity,
        "load": load,
        "track_record": track_record,
    }


def _agency_reasons(row: pd.Series, area: str, settings: MatchSettings) -> dict[str, str]:
    """An agency's sentences: its declared area for strength, and what does not apply to it."""
    capacity, load, track_record = _record_reasons(row)
    return {
        "strength": (
            f"A partner agency or service that offers help in {area}: it is not measured by school results, "
            f"so the area it declares counts as a strength ({settings.declared_area_strength * 100:.0f} in 100, "
            "as for a school in the top quarter of its family)"
        ),
        "similarity": "Not a school, so how alike it is to yours does not apply",
        "distance": (
            "Already works with your school or its locality"
            if row["works_with_requester"]
            else "Not yet linked to your school or its locality"
        ),
        "capacity": capacity,
        "load": load,
        "track_record": track_record,
    }


def _record_reasons(row: pd.Series) -> tuple[str, str, str]:
    """Capacity, load and track record in words: the same for a school and an agency."""
    days = float(row["capacity_days_left"])
    capacity = "No offer of time recorded yet" if np.isnan(days) else f"{_days(days)} a term still to give"

    current = int(row["current_supports"])
    if current == 0:
        load = "Not supporting another school at the moment"
    else:
        load = f"Already supporting {current} other school{'' if current == 1 else 's'}"

    past = int(row["past_supports"])
    if np.isnan(row["past_benefit"]):
        track_record = "No past support to judge it by yet"
    else:
        track_record = (
            # Felt benefit is kept on 0..1; schools rate it 1 to 5, so it is said that way.
            f"Past support rated {1 + 4 * row['past_benefit']:.1f} of 5 by the schools it helped "
            f"({past} support{'' if past == 1 else 's'})"
        )
    return capacity, load, track_record


def _reasons(row: pd.Series, area: str, requester_phase: str, settings: MatchSettings) -> list[str]:
    """The sentences, the component that counted most first; a component weighted 0 says nothing."""
    sentences = _component_reasons(row, area, requester_phase, settings)
    weights = settings.weights()
    counted = [name for name in COMPONENTS if weights[name] > 0]
    counted.sort(key=lambda name: -float(row[f"{name}_contribution"]))  # stable: ties keep COMPONENTS order
    return [sentences[name] for name in counted]


def match_supporters(
    request: pd.Series | Mapping[str, Any],
    candidates: pd.DataFrame,
    *,
    settings: MatchSettings | None = None,
) -> MatchResult:
    """The schools that could help with a request, best first, each with its reasons.

    ``request``: ``school_id``, ``phase``, ``latitude``, ``longitude`` (may be NaN) and
    ``area`` (plain words, e.g. "early reading"; underscores read as spaces).
    ``candidates``: one row per possible supporter, columns ``CANDIDATE_COLUMNS`` and, for
    agencies, ``AGENCY_COLUMNS`` (other columns, raw results among them, are ignored).
    Returns the top ``settings.top`` suggestions and every candidate never suggested with
    the reason; ``school_id`` is None for an agency, ``agency_id`` None for a school.
    """
    settings = settings or MatchSettings()
    _check(settings)
    missing = [name for name in CANDIDATE_COLUMNS if name not in candidates.columns]
    if missing:
        raise ValueError(f"candidates lack the columns {', '.join(missing)}")
    area = str(request["area"]).replace("_", " ").strip()
    requester_id = request["school_id"]
    requester_phase = _phase(_request_value(request, "phase"))
    candidates = _with_agency_columns(candidates)
    agency = _is_agency(candidates)
    # Schools first, then agencies, each by id: the same data always gives the same order.
    candidates["_agency"] = agency
    candidates["_id"] = np.where(agency, _numbers(candidates["agency_id"]), _numbers(candidates["school_id"]))
    candidates = candidates.sort_values(["_agency", "_id"], kind="stable").reset_index(drop=True)
    agency = _is_agency(candidates)
    school_ids = _ids(candidates["school_id"], ~agency)
    agency_ids = _ids(candidates["agency_id"], agency)

    excluded, why = _exclusions(candidates, requester_id, area, settings)
    left_out = pd.DataFrame(
        {
            "school_id": pd.Series(school_ids, dtype=object)[excluded].to_numpy(),
            "agency_id": pd.Series(agency_ids, dtype=object)[excluded].to_numpy(),
            "name": candidates["name"].to_numpy()[excluded],
            "reason": np.array(why, dtype=object)[excluded],
        },
        columns=EXCLUDED_COLUMNS,
    ).reset_index(drop=True)

    eligible = candidates[~excluded]
    scored = _components(eligible, request, settings)
    weights = settings.weights()
    total = sum(weights.values())
    for name in COMPONENTS:
        scored[f"{name}_contribution"] = scored[name] * weights[name] / total
    scored["score"] = scored[[f"{name}_contribution" for name in COMPONENTS]].sum(axis=1)
    scored["school_id"] = pd.Series(school_ids, dtype=object)[~excluded].to_numpy()
    scored["agency_id"] = pd.Series(agency_ids, dtype=object)[~excluded].to_numpy()
    scored["name"] = eligible["name"].to_numpy()
    scored["_order"] = scored["score"].round(_TIE_DECIMALS)
    scored["_agency"] = eligible["_agency"].to_numpy()
    scored["_id"] = eligible["_id"].to_numpy()
    scored = scored.sort_values(["_order", "_agency", "_id"], ascending=[False, True, True], kind="stable")
    scored = scored.head(max(settings.top, 0)).reset_index(drop=True)
    scored["rank"] = np.arange(1, len(scored) + 1)
    scored["reasons"] = pd.Series(
        [_reasons(row, area, requester_phase, settings) for _, row in scored.iterrows()],
        index=scored.index,
        dtype=object,
    )
    return MatchResult(suggestions=scored[SUGGESTION_COLUMNS], excluded=left_out)
