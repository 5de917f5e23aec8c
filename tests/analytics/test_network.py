"""School-to-school contact and isolation on small hand-made networks (no database)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.network import (
    METRIC_COLUMNS,
    NetworkSettings,
    contact_graph,
    contact_metrics,
    graph_layout,
)

AS_OF = dt.date(2024, 6, 30)
# The window is (2023-07-01, 2024-06-30]: 2024-06-30 less 365 days (2024 is a leap year).


def _contacts(rows: list[tuple[int, int, dt.date, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school_id", "other_school_id", "happened_on", "kind"])


@pytest.fixture
def schools() -> pd.DataFrame:
    # Schools 1-3 are in partnership 10, school 4 in 20, schools 5 and 6 in none.
    return pd.DataFrame({"school_id": [1, 2, 3, 4, 5, 6], "partnership_ids": [[10], [10], [10, 30], [20], [], []]})


@pytest.fixture
def star() -> pd.DataFrame:
    # School 1 is the hub of a star with 2, 3, 4 and 5; school 6 has no contact at all.
    return _contacts(
        [
            (1, 2, dt.date(2024, 5, 1), "visit"),
            (3, 1, dt.date(2024, 4, 1), "call"),  # recorded from the other side
            (1, 4, dt.date(2024, 3, 1), "peer_review"),
            (5, 1, dt.date(2023, 9, 1), "joint_training"),
            (1, 2, dt.date(2024, 6, 30), "call"),  # on as_of: counts
            (1, 3, dt.date(2024, 7, 1), "visit"),  # after as_of: must not count anywhere
            (2, 2, dt.date(2024, 6, 1), "call"),  # with itself: ignored
            (4, 1, dt.date(2023, 1, 1), "visit"),  # before the window: only for days since
        ]
    )


def _row(metrics: pd.DataFrame, school_id: int) -> pd.Series:
    return metrics.set_index("school_id").loc[school_id]


def test_columns_and_one_row_per_school_in_the_order_given(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, schools.iloc[::-1], as_of=AS_OF)
    assert list(metrics.columns) == METRIC_COLUMNS
    assert metrics["school_id"].tolist() == [6, 5, 4, 3, 2, 1]


def test_counts_peers_and_days_since_contact_in_a_star(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, schools, as_of=AS_OF).set_index("school_id")
    # Hub: 2 (twice), 3, 4, 5 in the window; the 2023-01-01 contact with 4 is before it;
    # the 2024-07-01 contact with 3 is after as_of; the latest is 2024-06-30, 0 days ago.
    assert metrics.loc[1, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [5, 4, 0.0]
    # School 2: twice with 1 (the contact with itself is ignored), latest on as_of.
    assert metrics.loc[2, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [2, 1, 0.0]
    # School 3: once on 2024-04-01: 30 (April) + 31 (May) + 29 = 90 days; the July visit does not count.
    assert metrics.loc[3, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [1, 1, 90.0]
    # School 4: 2024-03-01 in the window (31 + 30 + 31 + 29 = 121 days), 2023-01-01 not.
    assert metrics.loc[4, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [1, 1, 121.0]
    # School 5: 2023-09-01 -> 2024-06-30 = 30+31+30+31+31+29+31+30+31+29 = 303 days.
    assert metrics.loc[5, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [1, 1, 303.0]
    # School 6: never.
    assert metrics.loc[6, ["contacts", "distinct_peers"]].tolist() == [0, 0]
    assert np.isnan(metrics.loc[6, "days_since_contact"])


def test_days_since_contact_looks_before_the_window() -> None:
    schools = pd.DataFrame({"school_id": [1, 2], "partnership_ids": [[], []]})
    # 2023-06-30 -> 2024-06-30 is 366 days (leap year), outside the 365-day window.
    metrics = contact_metrics(_contacts([(1, 2, dt.date(2023, 6, 30), "visit")]), schools, as_of=AS_OF)
    assert _row(metrics, 1)["contacts"] == 0
    assert _row(metrics, 1)["days_since_contact"] == 366.0


def test_outside_partnership_share(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, schools, as_of=AS_OF).set_index("school_id")
    # Hub (partnership 10): with 2 twice and 3 shares 10; with 4 (in 20) and 5 (in none) not: 2 of 5.
    assert metrics.loc[1, "outside_partnership_share"] == pytest.approx(0.4)
    assert metrics.loc[2, "outside_partnership_share"] == 0.0
    assert metrics.loc[3, "outside_partnership_share"] == 0.0  # shares 10, though also in 30
    assert metrics.loc[4, "outside_partnership_share"] == 1.0
    assert metrics.loc[5, "outside_partnership_share"] == 1.0  # in no partnership at all
    assert np.isnan(metrics.loc[6, "outside_partnership_share"])  # no contacts: no share


def test_degree_centrality_and_betweenness_of_a_star(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, schools, as_of=AS_OF).set_index("school_id")
    # Six nodes: the hub touches 4 of the 5 others (0.8), each spoke 1 of 5 (0.2), school 6 none.
    assert metrics["degree_centrality"].to_dict() == pytest.approx({1: 0.8, 2: 0.2, 3: 0.2, 4: 0.2, 5: 0.2, 6: 0.0})
    # The hub is on the only path between each of the C(4, 2) = 6 pairs of spokes; networkx
    # normalises by the (6-1)(6-2)/2 = 10 pairs of other nodes: 6 / 10.
    assert metrics["betweenness"].to_dict() == pytest.approx({1: 0.6, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0})


def test_centrality_ignores_how_often_two_schools_met() -> None:
    schools = pd.DataFrame({"school_id": [1, 2, 3], "partnership_ids": [[], [], []]})
    # A triangle, 1 - 3 ten times, 1 - 2 and 2 - 3 once each. Unweighted, 1 and 3 are
    # neighbours and nobody is between anybody: all betweenness 0, all degree 2/2 = 1.
    # (Were the counts used as distances, 1 - 2 - 3 (2) would be shorter than 1 - 3 (10).)
    day = dt.date(2024, 6, 1)
    contacts = _contacts([(1, 3, day, "call")] * 10 + [(1, 2, day, "call"), (2, 3, day, "call")])
    metrics = contact_metrics(contacts, schools, as_of=AS_OF).set_index("school_id")
    assert metrics["betweenness"].to_dict() == pytest.approx({1: 0.0, 2: 0.0, 3: 0.0})
    assert metrics["degree_centrality"].to_dict() == pytest.approx({1: 1.0, 2: 1.0, 3: 1.0})
    assert metrics.loc[1, "contacts"] == 11


def test_isolated_by_few_peers_long_silence_or_never(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, schools, as_of=AS_OF).set_index("school_id")
    # Default: at most 1 peer is isolated, so every spoke is; the hub is not; 6 never had contact.
    assert metrics["isolated"].to_dict() == {1: False, 2: True, 3: True, 4: True, 5: True, 6: True}
    # With no peer limit, only silence makes a school isolated: 5 (303 days > 180) and 6 (never).
    lenient = contact_metrics(star, schools, as_of=AS_OF, settings=NetworkSettings(isolated_peers=0))
    assert lenient.set_index("school_id")["isolated"].to_dict() == {
        1: False,
        2: False,
        3: False,
        4: False,
        5: True,
        6: True,
    }
    # 121 days since school 4's contact: isolated with a 120-day limit, not with 121.
    strict = NetworkSettings(isolated_peers=0, isolated_days=120)
    assert _row(contact_metrics(star, schools, as_of=AS_OF, settings=strict), 4)["isolated"]
    loose = NetworkSettings(isolated_peers=0, isolated_days=121)
    assert not _row(contact_metrics(star, schools, as_of=AS_OF, settings=loose), 4)["isolated"]


def test_nothing_after_as_of_leaks_into_a_past_measurement(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    past = dt.date(2024, 3, 15)
    with_future = contact_metrics(star, schools, as_of=past)
    only_past = contact_metrics(star[star["happened_on"] <= past], schools, as_of=past)
    pd.testing.assert_frame_equal(with_future, only_past)
    metrics = with_future.set_index("school_id")
    # On 2024-03-15 school 2 had never been in contact: its May and June contacts are still to come.
    assert metrics.loc[2, "contacts"] == 0
    assert np.isnan(metrics.loc[2, "days_since_contact"])
    # The hub had 4 (2024-03-01) and 5 (2023-09-01) in (2023-03-16, 2024-03-15]; 14 days since.
    assert metrics.loc[1, ["contacts", "distinct_peers", "days_since_contact"]].tolist() == [2, 2, 14.0]
    assert metrics.loc[1, "degree_centrality"] == pytest.approx(0.4)


def test_the_window_is_configurable(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    # 90 days: (2024-04-01, 2024-06-30] keeps only the two contacts between 1 and 2
    # (the 2024-04-01 one with 3 falls just outside).
    metrics = contact_metrics(star, schools, as_of=AS_OF, settings=NetworkSettings(window_days=90))
    assert metrics.set_index("school_id")["contacts"].to_dict() == {1: 2, 2: 2, 3: 0, 4: 0, 5: 0, 6: 0}


def test_pandas_datetimes_give_the_same_answer_as_dates(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    stamped = star.assign(happened_on=pd.to_datetime(star["happened_on"]))
    pd.testing.assert_frame_equal(
        contact_metrics(stamped, schools, as_of=pd.Timestamp(AS_OF)),
        contact_metrics(star, schools, as_of=AS_OF),
    )


def test_contact_with_a_school_not_reported_on_counts_but_is_not_in_the_network() -> None:
    schools = pd.DataFrame({"school_id": [1, 2], "partnership_ids": [[10], [10]]})
    contacts = _contacts([(1, 99, dt.date(2024, 6, 1), "visit"), (1, 2, dt.date(2024, 6, 1), "visit")])
    metrics = contact_metrics(contacts, schools, as_of=AS_OF).set_index("school_id")
    assert metrics.loc[1, ["contacts", "distinct_peers"]].tolist() == [2, 2]
    assert metrics.loc[1, "outside_partnership_share"] == 0.5  # 99's partnerships are unknown
    assert 99 not in metrics.index
    assert set(contact_graph(contacts, schools, as_of=AS_OF).nodes) == {1, 2}


def test_no_contacts_at_all_still_reports_every_school() -> None:
    schools = pd.DataFrame({"school_id": [3, 1, 2], "partnership_ids": [[1], [], None]})
    empty = pd.DataFrame(columns=["school_id", "other_school_id", "happened_on", "kind"])
    metrics = contact_metrics(empty, schools, as_of=AS_OF)
    assert list(metrics.columns) == METRIC_COLUMNS
    assert metrics["school_id"].tolist() == [3, 1, 2]
    assert metrics["contacts"].tolist() == [0, 0, 0]
    assert metrics["isolated"].all()
    assert metrics["days_since_contact"].isna().all()
    assert metrics["degree_centrality"].tolist() == [0.0, 0.0, 0.0]


def test_no_schools_gives_no_rows(star: pd.DataFrame) -> None:
    metrics = contact_metrics(star, pd.DataFrame(columns=["school_id", "partnership_ids"]), as_of=AS_OF)
    assert list(metrics.columns) == METRIC_COLUMNS
    assert metrics.empty


def test_a_school_alone_has_no_degree_centrality() -> None:
    # networkx gives a one-node graph degree centrality 1; a school with nobody to work with has 0.
    metrics = contact_metrics(_contacts([]), pd.DataFrame({"school_id": [7], "partnership_ids": [[]]}), as_of=AS_OF)
    assert metrics["degree_centrality"].tolist() == [0.0]
    assert metrics["betweenness"].tolist() == [0.0]


def test_contact_graph_has_every_school_weights_and_isolation(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    graph = contact_graph(star, schools, as_of=AS_OF)
    assert set(graph.nodes) == {1, 2, 3, 4, 5, 6}
    # In-window edges only: 1-4 once (the 2023 contact is outside), 1-3 once (July is after as_of).
    assert {tuple(sorted(edge)): weight for *edge, weight in graph.edges(data="weight")} == {
        (1, 2): 2,
        (1, 3): 1,
        (1, 4): 1,
        (1, 5): 1,
    }
    assert dict(graph.nodes(data="isolated")) == {1: False, 2: True, 3: True, 4: True, 5: True, 6: True}


def test_large_networks_sample_betweenness(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    real = nx.betweenness_centrality

    def recording(graph: nx.Graph, **kwargs: object) -> dict[int, float]:
        calls.append(kwargs)
        return dict(real(graph, **kwargs))

    monkeypatch.setattr(nx, "betweenness_centrality", recording)
    # A ring of 2,001 schools: more than 2,000, so a sample of sources.
    ids = list(range(2001))
    ring = _contacts([(i, (i + 1) % 2001, dt.date(2024, 6, 1), "call") for i in ids])
    schools = pd.DataFrame({"school_id": ids, "partnership_ids": [[]] * 2001})
    metrics = contact_metrics(ring, schools, as_of=AS_OF, settings=NetworkSettings(betweenness_sample=20))
    assert calls == [{"k": 20, "seed": 0}]
    assert metrics["betweenness"].notna().all()
    # A small network is measured exactly.
    calls.clear()
    contact_metrics(ring.head(3), schools.head(4), as_of=AS_OF)
    assert calls == [{}]


def test_graph_layout_is_deterministic_inside_the_unit_square(schools: pd.DataFrame, star: pd.DataFrame) -> None:
    graph = contact_graph(star, schools, as_of=AS_OF)
    layout = graph_layout(graph, seed=3)
    assert layout == graph_layout(graph, seed=3)
    assert set(layout) == {1, 2, 3, 4, 5, 6}  # the lone school 6 too
    coords = np.array(list(layout.values()))
    assert coords.min() >= 0.0
    assert coords.max() <= 1.0
    # Scaled to fill the square along the wider axis.
    assert max(coords[:, 0].max() - coords[:, 0].min(), coords[:, 1].max() - coords[:, 1].min()) == pytest.approx(1.0)
    assert all(isinstance(node, int) and isinstance(x, float) for node, (x, _) in layout.items())


def test_graph_layout_of_tiny_graphs() -> None:
    assert graph_layout(nx.Graph()) == {}
    single = nx.Graph()
    single.add_node(5)
    assert graph_layout(single) == {5: (0.5, 0.5)}


def test_a_generated_network_of_5000_schools_runs() -> None:
    rng = np.random.default_rng(0)
    schools = pd.DataFrame({"school_id": np.arange(1, 5001), "partnership_ids": [[int(i // 25)] for i in range(5000)]})
    contacts = pd.DataFrame(
        {
            "school_id": rng.integers(1, 5001, 50_000),
            "other_school_id": rng.integers(1, 5001, 50_000),
            "happened_on": pd.Timestamp("2022-07-01") + pd.to_timedelta(rng.integers(0, 800, 50_000), unit="D"),
            "kind": rng.choice(["visit", "joint_training", "peer_review", "shared_staff", "call"], 50_000),
        }
    )
    # A small betweenness sample keeps the test quick; the default (500) is in bench figures.
    metrics = contact_metrics(contacts, schools, as_of=AS_OF, settings=NetworkSettings(betweenness_sample=25))
    assert len(metrics) == 5000
    assert metrics["school_id"].tolist() == list(range(1, 5001))
    assert metrics[METRIC_COLUMNS[1:]].drop(columns="outside_partnership_share").notna().all().all()


def test_betweenness_can_be_left_out_and_nothing_else_changes() -> None:
    import datetime as dt

    from evenbetter.analytics.network import NetworkSettings, contact_metrics

    contacts = pd.DataFrame(
        {
            "school_id": [1, 2, 3],
            "other_school_id": [2, 3, 4],
            "happened_on": [dt.date(2019, 1, 1)] * 3,
            "kind": ["visit"] * 3,
        }
    )
    schools = pd.DataFrame({"school_id": [1, 2, 3, 4], "partnership_ids": [[], [], [], []]})
    full = contact_metrics(contacts, schools, as_of=dt.date(2019, 6, 1))
    quick = contact_metrics(contacts, schools, as_of=dt.date(2019, 6, 1), settings=NetworkSettings(betweenness=False))
    assert full["betweenness"].notna().all() and quick["betweenness"].isna().all()
    pd.testing.assert_frame_equal(full.drop(columns="betweenness"), quick.drop(columns="betweenness"))
