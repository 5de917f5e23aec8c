"""The shared cache (evenbetter/ops/cache.py): the database cache culls the kept entries written
longest ago, never a rate counter or a generation; every key names the code that made it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache

from evenbetter.indicators.figures_cache import FIGURES_KEPT_SECONDS
from evenbetter.ops.cache import PROJECT, DatabaseCache, code_stamp

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


def _tree(folder: Path, template: str) -> Path:
    (folder / "web" / "templates").mkdir(parents=True)
    (folder / "web" / "views.py").write_text("def view(): ...\n")
    (folder / "web" / "templates" / "panel.html").write_text(template)
    (folder / "web" / "__pycache__").mkdir()
    (folder / "web" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"compiled")
    return folder


def test_the_code_stamp_follows_the_code_and_templates_not_the_folder(tmp_path: Path) -> None:
    one = _tree(tmp_path / "one", "<p>{{ figure }}</p>")
    same_elsewhere = _tree(tmp_path / "two", "<p>{{ figure }}</p>")
    template_changed = _tree(tmp_path / "three", "<p><strong>{{ figure }}</strong></p>")
    assert code_stamp(one) == code_stamp(same_elsewhere)
    assert code_stamp(one) != code_stamp(template_changed)
    (same_elsewhere / "web" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"other")
    assert code_stamp(one) == code_stamp(same_elsewhere)  # compiled files are not the code
    (same_elsewhere / "web" / "views.py").write_text("def view(): return 1\n")
    assert code_stamp(one) != code_stamp(same_elsewhere)


def test_every_key_names_this_code() -> None:
    from django.core.cache import caches

    key = caches["default"].make_key("evenbetter:figures:generation")
    assert key.split(":")[2] == code_stamp(PROJECT)
    assert key.endswith(":evenbetter:figures:generation")
