"""The shared database cache culls the kept entries written longest ago, never a rate counter or
a generation (evenbetter/ops/cache.py)."""

from __future__ import annotations

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache

from evenbetter.indicators.figures_cache import FIGURES_KEPT_SECONDS
from evenbetter.ops.cache import DatabaseCache

pytestmark = pytest.mark.django_db


def _fill(cache: DjangoDatabaseCache) -> list[str]:
    """A counter, a generation, then kept entries written one after another: each later one
    expires a second later, and their keys sort the other way round, newest first."""
    cache.clear()
    cache.set("throttle_user_7", [1.0, 2.0], timeout=3600)
    cache.set("evenbetter:figures:generation", "abc", timeout=None)
    kept = [f"evenbetter:figures:{'z' * (20 - i)}" for i in range(12)]
    for i, key in enumerate(kept):
        cache.set(key, i, timeout=FIGURES_KEPT_SECONDS + i)
    return kept


def test_the_cull_drops_the_oldest_kept_entries_and_keeps_counters_and_generations() -> None:
    cache = DatabaseCache("evenbetter_cache", {"OPTIONS": {"MAX_ENTRIES": 8, "CULL_FREQUENCY": 2}})
    kept = _fill(cache)
    assert cache.get("throttle_user_7") == [1.0, 2.0]
    assert cache.get("evenbetter:figures:generation") == "abc"
    present = [key for key in kept if cache.get(key) is not None]
    assert kept[-1] in present  # the newest is there
    assert len(present) < len(kept)  # culled
    # What is left is the newest run of entries: nothing older survives something newer dropped.
    assert present == kept[len(kept) - len(present) :]


def test_django_s_own_cull_would_drop_by_key_order() -> None:
    """The reason for the backend: the stock one, given the same entries, drops a counter, the
    generation or newer entries before older ones (so the test above can tell them apart)."""
    cache = DjangoDatabaseCache("evenbetter_cache", {"OPTIONS": {"MAX_ENTRIES": 8, "CULL_FREQUENCY": 2}})
    kept = _fill(cache)
    present = [key for key in kept if cache.get(key) is not None]
    survivors_in_order = present == kept[len(kept) - len(present) :]
    assert not (
        cache.get("throttle_user_7") is not None
        and cache.get("evenbetter:figures:generation") is not None
        and survivors_in_order
    )


def test_the_setting_uses_this_backend() -> None:
    from django.core.cache import caches

    assert isinstance(caches["default"], DatabaseCache)
