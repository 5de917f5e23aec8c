"""Families of similar schools: each school's nearest statistical neighbours.

Pure functions on pandas data frames; no Django.

Learned from the Department for Education's comparator sets (a weighted distance on
context the school does not control, the 60 nearest within the phase, then keep 30) and
the London Challenge's Families of Schools, and doing better where they are weak:

- **why**: every member comes with its distance on each variable, in the variable's own
  units and as a share of the whole distance;
- **missing context**: a distance is taken over the variables both schools have and
  scaled up to the full weight, and says how much of the weight it rests on; a school
  with less than half its weight of context gets no family rather than a bad one;
- **stability**: distances are on a fixed scale per phase (median and spread), ties go
  to the lower id, so a small change in one school's data only moves that school.

The context variables and their weights are configurable (``FamilySettings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

DEFAULT_WEIGHTS: dict[str, float] = {
    "pupils_on_roll": 1.0,
    "percent_fsm": 1.0,
    "percent_eal": 1.0,
    "percent_sen": 1.0,
    "prior_attainment": 1.0,
}


@dataclass(frozen=True)
class FamilySettings:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    size: int = 30
    shortlist: int = 60
    # School size matters in proportion: 100 more pupils matter more at 150 than at 1,500.
    log_scaled: frozenset[str] = frozenset({"pupils_on_roll"})
    min_weight_share: float = 0.5
    # Fixed scales per variable (in its own units, after the log where there is one);
    # when not given, each is the phase's robust spread.
    scales: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Families:
    members: pd.DataFrame  # school_id, member_id, rank, distance, weight_share
    explanations: pd.DataFrame  # school_id, member_id, variable, school_value, member_value, difference, share
    no_family: pd.DataFrame  # school_id, phase, weight_share, reason

    def family_of(self, school_id: int) -> pd.DataFrame:
        return self.members[self.members["school_id"] == school_id].sort_values("rank")


def _round_significant(value: float, digits: int = 2) -> float:
    if not value or not np.isfinite(value):
        return 1.0
    return float(f"{value:.{digits - 1}e}")


def _scaled(values: pd.DataFrame, settings: FamilySettings) -> pd.DataFrame:
    """Each variable on a common scale: its robust spread in the phase, rounded to two
    significant figures so that a small change in one school leaves every other
    school's distances exactly as they were."""
    scaled = values.copy()
    for name in scaled.columns:
        column = scaled[name].astype(float)
        if name in settings.log_scaled:
            column = pd.Series(np.log1p(column.clip(lower=0)), index=column.index)
        spread = float((column.quantile(0.75) - column.quantile(0.25)) / 1.349)
        if not spread or not np.isfinite(spread):
            spread = float(column.std())
        scale = settings.scales.get(name) if settings.scales else None
        scaled[name] = (column - _round_significant(column.median())) / (scale or _round_significant(spread))
    return scaled


def build_families(schools: pd.DataFrame, settings: FamilySettings | None = None) -> Families:
    """Families for every school in ``schools`` (columns ``school_id``, ``phase`` and context)."""
    settings = settings or FamilySettings()
    variables = [name for name, weight in settings.weights.items() if weight > 0 and name in schools.columns]
    if not variables:
        raise ValueError("none of the weighted context variables is in the data")
    members, explanations, no_family = [], [], []
    for phase, group in schools.groupby(schools["phase"].fillna(""), sort=True):
        group = group.sort_values("school_id").reset_index(drop=True)
        result = _phase_families(group, variables, settings)
        members.append(result[0])
        explanations.append(result[1])
        no_family.append(result[2].assign(phase=phase))
    return Families(
        pd.concat(members, ignore_index=True),
        pd.concat(explanations, ignore_index=True),
        pd.concat(no_family, ignore_index=True),
    )


def _phase_families(
    group: pd.DataFrame, variables: list[str], settings: FamilySettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = group["school_id"].to_numpy()
    raw = group[variables].astype(float)
    scaled = _scaled(raw, settings).to_numpy()
    weights = np.array([settings.weights[name] for name in variables], dtype=float)
    available = ~np.isnan(scaled)
    own_share = (available * weights).sum(axis=1) / weights.sum()
    eligible = own_share >= settings.min_weight_share
    no_family = pd.DataFrame(
        {
            "school_id": ids[~eligible],
            "weight_share": own_share[~eligible],
            "reason": "too little context: fewer than half the weighted variables are known",
        }
    )
    empty = (
        pd.DataFrame(columns=["school_id", "member_id", "rank", "distance", "weight_share"]),
        pd.DataFrame(
            columns=["school_id", "member_id", "variable", "school_value", "member_value", "difference", "share"]
        ),
        no_family,
    )
    index = np.flatnonzero(eligible)
    if len(index) < 2:
        return empty
    # Shortlist by nearest neighbours in the weighted space (unknowns at the median),
    # then measure each shortlisted pair exactly, over what both schools know.
    search = np.nan_to_num(scaled[index], nan=0.0) * np.sqrt(weights)
    k = min(settings.shortlist + 1, len(index))
    # Loaded here, not with the module: the pages that import this module never search.
    from sklearn.neighbors import NearestNeighbors

    _, neighbours = NearestNeighbors(n_neighbors=k).fit(search).kneighbors(search)
    candidates = index[neighbours]  # rows into the group, shape (n, k)
    school_rows = np.repeat(index[:, None], k, axis=1)
    difference = scaled[school_rows] - scaled[candidates]  # (n, k, variables)
    both = ~np.isnan(difference)
    weighted = np.where(both, difference**2, 0.0) * weights
    share = (both * weights).sum(axis=2) / weights.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.sqrt(weighted.sum(axis=2) / share)
    distance[(candidates == school_rows) | (share < settings.min_weight_share)] = np.inf
    # Order by distance, ties by the member's id, and keep the family's size.
    order = np.lexsort((ids[candidates], distance), axis=1)[:, : settings.size]
    picked = np.take_along_axis(candidates, order, axis=1)
    picked_distance = np.take_along_axis(distance, order, axis=1)
    picked_share = np.take_along_axis(share, order, axis=1)
    keep = np.isfinite(picked_distance)
    rank = np.broadcast_to(np.arange(1, order.shape[1] + 1), order.shape)
    school_of = np.broadcast_to(ids[index][:, None], order.shape)
    members = pd.DataFrame(
        {
            "school_id": school_of[keep],
            "member_id": ids[picked][keep],
            "rank": rank[keep],
            "distance": picked_distance[keep].round(4),
            "weight_share": picked_share[keep].round(3),
        }
    )
    contribution = np.take_along_axis(weighted, order[:, :, None], axis=1)[keep]  # (pairs, variables)
    totals = contribution.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, contribution / totals, 0.0)
    school_raw = raw.to_numpy()[np.broadcast_to(index[:, None], order.shape)[keep]]
    member_raw = raw.to_numpy()[picked[keep]]
    explanations = pd.DataFrame(
        {
            "school_id": np.repeat(members["school_id"].to_numpy(), len(variables)),
            "member_id": np.repeat(members["member_id"].to_numpy(), len(variables)),
            "variable": np.tile(variables, len(members)),
            "school_value": school_raw.ravel(),
            "member_value": member_raw.ravel(),
            "difference": (member_raw - school_raw).ravel(),
            "share": shares.ravel().round(4),
        }
    )
    return members, explanations, no_family


def nearby_like_us(
    schools: pd.DataFrame,
    school_id: int,
    *,
    within_km: float,
    settings: FamilySettings | None = None,
) -> pd.DataFrame:
    """ "Nearby schools like us": schools of the same phase within a distance, most similar first.

    ``schools`` needs ``latitude`` and ``longitude`` besides the context. Returns
    ``member_id``, ``km`` and ``distance`` (the same context distance as families).
    """
    settings = settings or FamilySettings()
    target = schools[schools["school_id"] == school_id]
    if target.empty:
        raise KeyError(school_id)
    phase = target["phase"].iloc[0]
    same_phase = schools[schools["phase"] == phase].sort_values("school_id").reset_index(drop=True)
    km = haversine_km(
        float(target["latitude"].iloc[0]),
        float(target["longitude"].iloc[0]),
        same_phase["latitude"].to_numpy(dtype=float),
        same_phase["longitude"].to_numpy(dtype=float),
    )
    near = same_phase[(km <= within_km) | (same_phase["school_id"] == school_id)].copy()
    near["km"] = km[near.index]
    wide = replace(settings, size=len(near), shortlist=len(near))
    result = build_families(near, wide).family_of(school_id)
    return result.merge(near[["school_id", "km"]].rename(columns={"school_id": "member_id"}), on="member_id")[
        ["member_id", "km", "distance", "rank"]
    ]


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many; NaN where either end has no location."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(6371.0 * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=float)
