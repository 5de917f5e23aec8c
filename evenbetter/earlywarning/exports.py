"""The watch list as a table to export (``accounts.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable
from evenbetter.earlywarning.models import RiskRun
from evenbetter.earlywarning.watchlist import watch_list_notes


class WatchListTable(ExportTable):
    """The scores shown on the watch list, each with the school's answer, the decision, and
    the notes other apps register for the watch list (``earlywarning/watchlist.py``)."""

    slug = "watch-list"

    def __init__(self, run: RiskRun | None) -> None:
        self.run = run

    def filename(self, data: Any) -> str:
        return f"watch-list-{self.run.as_of if self.run else ''}"

    def header(self, data: Any) -> list[str]:
        return ["rank", "urn", "school", "risk", "band", "previous risk", "top reasons", "leading triggers",
                "lagging symptoms", "school's response", "decision", *(n.header for n in watch_list_notes())]  # fmt: skip

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for score in data:
            yield [
                score.rank, score.school.urn, score.school.name, round(score.risk, 4), score.get_band_display(),
                score.previous_risk, "; ".join(str(r[2]) for r in score.reasons[:3]),
                "; ".join(str(t["name"]) for t in score.leading_fired), "; ".join(str(t["name"]) for t in score.lagging_fired),
                next((r.text for r in score.school.risk_responses.all()), ""),
                next((d.get_kind_display() for d in score.school.watch_decisions.all()), ""),
                *("; ".join(map(n.as_text, getattr(score, n.key))) for n in watch_list_notes()),
            ]  # fmt: skip
