"""The watch list as a table to export (``accounts.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable
from evenbetter.earlywarning.models import RiskRun


class WatchListTable(ExportTable):
    """The scores shown on the watch list, each with what is known about the school's answer
    and the help under way (``open_help`` set by the view)."""

    slug = "watch-list"

    def __init__(self, run: RiskRun | None) -> None:
        self.run = run

    def filename(self, data: Any) -> str:
        return f"watch-list-{self.run.as_of if self.run else ''}"

    def header(self, data: Any) -> list[str]:
        return ["rank", "urn", "school", "risk", "band", "previous risk", "top reasons", "leading triggers",
                "lagging symptoms", "school's response", "decision", "help under way"]  # fmt: skip

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for score in data:
            yield [
                score.rank, score.school.urn, score.school.name, round(score.risk, 4), score.get_band_display(),
                score.previous_risk, "; ".join(str(r[2]) for r in score.reasons[:3]),
                "; ".join(str(t["name"]) for t in score.leading_fired), "; ".join(str(t["name"]) for t in score.lagging_fired),
                next((r.text for r in score.school.risk_responses.all()), ""),
                next((d.get_kind_display() for d in score.school.watch_decisions.all()), ""),
                "; ".join(f"{h.get_area_display()}: {h.get_status_display()}" for h in score.open_help),
            ]  # fmt: skip
