"""The outcomes dashboard as a table to export (``accounts.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable


class OutcomesTable(ExportTable):
    """One row per outcome series and period of the dashboard (``data``: its outcomes)."""

    slug = "outcomes"

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def filename(self, data: Any) -> str:
        return f"outcomes-{self.scope}"

    def header(self, data: Any) -> list[str]:
        return ["indicator code", "indicator", "unit", "period", "schools", "lower quartile", "median",
                "upper quartile", "overall", "overall weighted by pupils"]  # fmt: skip

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for s in data:
            for r in s.table.itertuples():
                yield [s.indicator.code, s.indicator.name, s.indicator.unit, r.period, r.schools, r.q1, r.median,
                       r.q3, r.overall, "yes" if r.weighted else "no"]  # fmt: skip
