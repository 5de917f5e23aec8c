"""School-to-school contact: who works with whom, and which schools are on their own.

Pure functions on pandas data frames and networkx graphs; no Django.

Isolation is a leading indicator (a school that stops working with other schools is
often a school starting to struggle), so every school gets a few plain measures of its
contact with other schools, each of which a school leader can check against its own
records:

- **contacts** and **distinct_peers** in the window (the last 12 months by default);
- **days_since_contact**: since its latest contact, however long ago;
- **outside_partnership_share**: the share of its contacts with schools outside all of its
  partnerships, because a school that only ever talks to its own cluster is less
  connected than its number of contacts suggests;
- **degree_centrality** and **betweenness** on the network of in-window contacts: the
  share of the other schools it worked with, and how often it lies on the shortest path
  between two other schools (a broker between groups that would otherwise not meet);
- **isolated**: at most ``isolated_peers`` distinct peers in the window, or no contact
  for longer than ``isolated_days``, or never any contact.

A contact is undirected (a visit by A to B is contact for both), a contact of a school
with itself is ignored, and so is everything recorded after ``as_of``, so that a
measure taken for a past date is the one the system could have taken on that date.
A contact with no date cannot be placed in time and is ignored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from evenbetter.analytics.dates import as_day as _day
from evenbetter.analytics.dates import as_days as _days

CONTACT_KINDS = ("visit", "joint_training", "peer_review", "shared_staff", "call")

METRIC_COLUMNS = [
    "school_id",
    "contacts",
    "distinct_peers",
    "days_since_contact",
    "outside_partnership_share",
    "degree_centrality",
    "betweenness",
    "isolated",
]

# Above this many schools, betweenness is estimated from a sample of sources.
EXACT_BETWEENNESS_MAX_NODES = 2000


@dataclass(frozen=True)
class NetworkSettings:
    # The window the counts and the network are taken over: "the last 12 months".
    window_days: int = 365
    # A school with at most this many distinct peers in the window is isolated ...
    isolated_peers: int = 1
    # ... and so is one with no contact for longer than this.
    isolated_days: int = 180
    # Sources sampled for betweenness when the network has more than 2,000 schools.
    betweenness_sample: int = 500
    # Betweenness is the slow measure (minutes for all of England, even sampled): a caller
    # that does not show it (the yearly indicators) turns it off, and gets NaN.
    betweenness: bool = True


def _partnership_list(value: Any) -> list[int]:
    if value is None or isinstance(value, str | bytes):
        return []
    if isinstance(value, Iterable):
        return [int(item) for item in value if not pd.isna(item)]
    return [] if pd.isna(value) else [int(value)]


def _school_ids(schools: pd.DataFrame) -> list[int]:
    """The schools to report on, once each, in the order given."""
    if schools.empty:
        return []
    ids = pd.to_numeric(schools["school_id"], errors="coerce").dropna().astype("int64")
    return [int(school_id) for school_id in ids.drop_duplicates()]


def _memberships(schools: pd.DataFrame) -> pd.DataFrame:
    """One row per (school_id, partnership_id)."""
    if schools.empty or "partnership_ids" not in schools.columns:
        return pd.DataFrame({"school_id": pd.Series(dtype="int64"), "partnership_id": pd.Series(dtype="int64")})
    pairs = [
        (int(school_id), partnership_id)
        for school_id, partnerships in zip(schools["school_id"], schools["partnership_ids"], strict=True)
        if not pd.isna(school_id)
        for partnership_id in _partnership_list(partnerships)
    ]
    return pd.DataFrame(pairs, columns=["school_id", "partnership_id"]).astype("int64").drop_duplicates()


def _contacts_until(contacts: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Contacts on or before ``as_of`` between two different schools, one row each."""
    columns = ["school_id", "other_school_id", "happened_on"]
    if contacts.empty:
        return pd.DataFrame(
            {
                "school_id": pd.Series(dtype="int64"),
                "other_school_id": pd.Series(dtype="int64"),
                "happened_on": pd.Series(dtype="datetime64[s]"),
            }
        )
    school = pd.to_numeric(contacts["school_id"], errors="coerce")
    other = pd.to_numeric(contacts["other_school_id"], errors="coerce")
    happened = _days(contacts["happened_on"])
    keep = school.notna() & other.notna() & happened.notna() & (happened <= as_of) & (school != other)
    return pd.DataFrame(
        {
            "school_id": school[keep].astype("int64").to_numpy(),
            "other_school_id": other[keep].astype("int64").to_numpy(),
            "happened_on": happened[keep].to_numpy(),
        },
        columns=columns,
    )


def _both_ways(contacts: pd.DataFrame) -> pd.DataFrame:
    """Each contact once from each side, so that per-school counts are one group-by."""
    swapped = contacts.rename(columns={"school_id": "other_school_id", "other_school_id": "school_id"})
    return pd.concat([contacts, swapped[contacts.columns]], ignore_index=True)


def _shares_a_partnership(pairs: pd.DataFrame, memberships: pd.DataFrame) -> pd.Series:
    """For each (school_id, other_school_id) row, whether the two share a partnership."""
    distinct = pairs[["school_id", "other_school_id"]].drop_duplicates()
    shared = (
        distinct.merge(memberships, on="school_id")
        .merge(memberships.rename(columns={"school_id": "other_school_id"}), on=["other_school_id", "partnership_id"])[
            ["school_id", "other_school_id"]
        ]
        .drop_duplicates()
        .assign(shared=True)
    )
    flagged = pairs[["school_id", "other_school_id"]].merge(shared, on=["school_id", "other_school_id"], how="left")
    return flagged["shared"].fillna(False).astype(bool).set_axis(pairs.index)


def _per_school(
    contacts: pd.DataFrame, schools: pd.DataFrame, as_of: pd.Timestamp, settings: NetworkSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every measure except the two centralities, one row per school; and the in-window
    contacts (one row each) that the network is built from."""
    ids = _school_ids(schools)
    until = _contacts_until(contacts, as_of)
    in_window = until[until["happened_on"] > as_of - pd.Timedelta(days=settings.window_days)]
    ours = pd.Index(ids, dtype="int64")
    # Contacts with a school that is not reported on still count for the school that is.
    both = _both_ways(until)
    both = both[both["school_id"].isin(ours)]
    window_both = _both_ways(in_window)
    window_both = window_both[window_both["school_id"].isin(ours)]
    outside = ~_shares_a_partnership(window_both, _memberships(schools))

    by_school = window_both.groupby("school_id")
    counts = by_school.size().reindex(ours, fill_value=0)
    peers = by_school["other_school_id"].nunique().reindex(ours, fill_value=0)
    outside_share = outside.groupby(window_both["school_id"]).mean().reindex(ours)
    latest = both.groupby("school_id")["happened_on"].max().reindex(ours)
    days_since = (as_of - latest).dt.days.astype(float)

    isolated = (peers <= settings.isolated_peers) | (days_since > settings.isolated_days) | days_since.isna()
    per_school = pd.DataFrame(
        {
            "school_id": np.asarray(ids, dtype=np.int64),
            "contacts": counts.to_numpy(dtype=np.int64),
            "distinct_peers": peers.to_numpy(dtype=np.int64),
            "days_since_contact": days_since.to_numpy(dtype=float),
            "outside_partnership_share": outside_share.to_numpy(dtype=float),
            "isolated": isolated.to_numpy(dtype=bool),
        }
    )
    return per_school, in_window


def _graph(per_school: pd.DataFrame, in_window: pd.DataFrame) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(
        (int(school_id), {"isolated": bool(isolated)})
        for school_id, isolated in zip(per_school["school_id"], per_school["isolated"], strict=True)
    )
    inside = in_window[
        in_window["school_id"].isin(per_school["school_id"])
        & in_window["other_school_id"].isin(per_school["school_id"])
    ]
    low = np.minimum(inside["school_id"].to_numpy(), inside["other_school_id"].to_numpy())
    high = np.maximum(inside["school_id"].to_numpy(), inside["other_school_id"].to_numpy())
    weights = pd.DataFrame({"low": low, "high": high}).groupby(["low", "high"]).size()
    graph.add_weighted_edges_from(
        zip(
            weights.index.get_level_values("low").tolist(),
            weights.index.get_level_values("high").tolist(),
            weights.tolist(),
            strict=True,
        )
    )
    return graph


def contact_graph(
    contacts: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    as_of: datetime.date,
    settings: NetworkSettings | None = None,
) -> nx.Graph:
    """The network of in-window contacts: one node per school in ``schools`` (node
    attribute ``isolated``), an edge between two schools that had contact in the window
    (edge attribute ``weight``: how many contacts). Contacts with schools not in
    ``schools`` are left out of the network."""
    settings = settings or NetworkSettings()
    per_school, in_window = _per_school(contacts, schools, _day(as_of), settings)
    return _graph(per_school, in_window)


def _betweenness(graph: nx.Graph, settings: NetworkSettings) -> dict[int, float]:
    if not settings.betweenness:
        return {}
    if len(graph) > EXACT_BETWEENNESS_MAX_NODES:
        sample = min(len(graph), settings.betweenness_sample)
        return dict(nx.betweenness_centrality(graph, k=sample, seed=0))
    return dict(nx.betweenness_centrality(graph))


MEASURE_COLUMNS = [
    "school_id", "contacts", "distinct_peers", "days_since_contact", "outside_partnership_share", "isolated"
]  # fmt: skip


def contact_measures(
    contacts: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    as_of: datetime.date,
    settings: NetworkSettings | None = None,
) -> pd.DataFrame:
    """:func:`contact_metrics` without the two centralities (no network is built): each
    school's measures depend on its own contacts and partnerships alone, so working them out
    for every school at once gives each school what working it out alone would. Columns
    ``MEASURE_COLUMNS``, one row per school in the order of ``schools``."""
    per_school, _ = _per_school(contacts, schools, _day(as_of), settings or NetworkSettings())
    return per_school[MEASURE_COLUMNS]


def contact_metrics(
    contacts: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    as_of: datetime.date,
    settings: NetworkSettings | None = None,
) -> pd.DataFrame:
    """Contact and isolation measures for every school in ``schools``.

    ``contacts``: ``school_id``, ``other_school_id``, ``happened_on`` and ``kind``
    (one of ``CONTACT_KINDS``; every kind counts alike). ``schools``: ``school_id`` and
    ``partnership_ids`` (the partnerships each school belongs to, possibly none).

    Returns one row per school, in the order of ``schools``, columns ``METRIC_COLUMNS``.
    ``contacts``, ``distinct_peers`` and ``outside_partnership_share`` count a contact
    with any school, reported on or not; the two centralities are on the network of the
    schools in ``schools`` only (see :func:`contact_graph`), unweighted and normalised as
    networkx does, except that a school alone in the network has degree centrality 0
    (networkx says 1), since it has worked with nobody.

    Betweenness is exact up to 2,000 schools. Above that it is networkx's estimate from
    ``settings.betweenness_sample`` source schools drawn with a fixed seed (exact
    betweenness grows with schools times contacts and takes minutes for a whole
    country), so it is the same on every run with the same data but is an estimate:
    use it to rank, not to compare small differences.
    """
    settings = settings or NetworkSettings()
    per_school, in_window = _per_school(contacts, schools, _day(as_of), settings)
    graph = _graph(per_school, in_window)
    degree = nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0)
    betweenness = _betweenness(graph, settings)
    ids = per_school["school_id"]
    per_school["degree_centrality"] = ids.map(degree).astype(float)
    per_school["betweenness"] = ids.map(betweenness).astype(float)
    return per_school[METRIC_COLUMNS]


def graph_layout(graph: nx.Graph, *, seed: int = 0) -> dict[int, tuple[float, float]]:
    """A position in [0, 1] x [0, 1] for every school in ``graph``, for a network picture.

    A spring layout (schools that work together often are drawn close) with a fixed seed,
    so the picture is the same on every page load; both axes are scaled by the same
    factor, so the shape is not stretched, and the narrower one is centred. Isolated
    schools get a position too, pushed towards the edge. The layout takes time that
    grows with the square of the schools for small networks; draw a locality or a
    partnership, not the whole country.
    """
    if len(graph) == 0:
        return {}
    if len(graph) == 1:
        return {int(node): (0.5, 0.5) for node in graph}
    positions = nx.spring_layout(graph, seed=seed, weight="weight")
    nodes = list(graph)
    coords = np.array([positions[node] for node in nodes], dtype=float)
    low = coords.min(axis=0)
    span = coords.max(axis=0) - low
    extent = float(span.max())
    if extent == 0:
        return {int(node): (0.5, 0.5) for node in nodes}
    # The wider axis fills [0, 1]; the narrower one is centred in it.
    scaled = np.clip((coords - low) / extent + (1 - span / extent) / 2, 0.0, 1.0)
    return {int(node): (float(x), float(y)) for node, (x, y) in zip(nodes, scaled, strict=True)}
