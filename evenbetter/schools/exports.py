"""The schools directory as a table to export (``accounts.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable


class DirectoryTable(ExportTable):
    """Every school the directory's filters select (``data``: the query), streamed."""

    slug = "schools"
    columns = [
        ("urn", lambda s: s.urn),
        ("school", lambda s: s.name),
        ("phase", lambda s: s.phase),
        ("type", lambda s: s.type_name),
        ("town", lambda s: s.town),
        ("local authority", lambda s: s.la_name),
        ("pupils", lambda s: s.pupils_on_roll),
        ("Ofsted rating", lambda s: s.ofsted_rating),
        ("status", lambda s: s.status),
    ]

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        return super().rows(data.iterator(chunk_size=2000))
