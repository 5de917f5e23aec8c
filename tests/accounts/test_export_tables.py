"""Exports are small tables in one registry (``accounts.exports.EXPORTS``)."""

from __future__ import annotations

import pytest

from evenbetter.accounts.exports import EXPORTS, ExportTable


def test_every_app_declares_its_tables_in_the_one_registry() -> None:
    assert set(EXPORTS) == {
        "audit-log", "watch-list", "outcomes", "help-requests", "family", "benchmarks", "explorer", "schools",
    }  # fmt: skip
    assert all(issubclass(table, ExportTable) and table.slug == slug for slug, table in EXPORTS.items())


def test_a_table_named_like_another_is_refused() -> None:
    with pytest.raises(ValueError, match="two export tables are called 'schools'"):

        class Again(ExportTable):
            slug = "schools"

    assert EXPORTS["schools"].__name__ == "DirectoryTable"


def test_columns_give_the_header_and_one_row_per_item() -> None:
    class Pairs(ExportTable):
        columns = [("left", lambda pair: pair[0]), ("right", lambda pair: pair[1])]

    table = Pairs()
    assert table.header(None) == ["left", "right"]
    assert list(table.rows([(1, 2), (3, 4)])) == [[1, 2], [3, 4]]
    assert "" not in EXPORTS  # a table without a slug is not registered
