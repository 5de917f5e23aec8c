"""Grouping neighbouring schools into demo clusters (no database)."""

from __future__ import annotations

import random

from evenbetter.demo.clusters import Place, nearest_neighbour_groups


def _places(count: int, seed: int = 1) -> list[Place]:
    rng = random.Random(seed)
    return [Place(i, rng.uniform(0, 50_000), rng.uniform(0, 50_000)) for i in range(count)]


def test_every_place_is_in_exactly_one_group() -> None:
    places = _places(37)
    groups = nearest_neighbour_groups(places, 8)
    keys = [p.key for group in groups for p in group]
    assert sorted(keys) == list(range(37))


def test_groups_are_about_the_size_asked_for() -> None:
    groups = nearest_neighbour_groups(_places(37), 8)
    # 37 = 4 x 8 + 5: the last 5 are at least half a group, so they stand alone.
    assert [len(g) for g in groups] == [8, 8, 8, 8, 5]
    small_tail = nearest_neighbour_groups(_places(34), 8)
    assert [len(g) for g in small_tail] == [8, 8, 8, 10]


def test_the_same_places_give_the_same_groups_in_any_order() -> None:
    places = _places(30)
    shuffled = places[:]
    random.Random(7).shuffle(shuffled)
    as_keys = lambda groups: [[p.key for p in g] for g in groups]  # noqa: E731
    assert as_keys(nearest_neighbour_groups(places, 6)) == as_keys(nearest_neighbour_groups(shuffled, 6))


def test_a_group_holds_neighbours_not_strangers() -> None:
    west = [Place(i, 1000 + i, 1000) for i in range(4)]
    east = [Place(10 + i, 90_000 + i, 1000) for i in range(4)]
    groups = nearest_neighbour_groups(west + east, 4)
    assert [{p.key for p in g} for g in groups] == [{0, 1, 2, 3}, {10, 11, 12, 13}]
