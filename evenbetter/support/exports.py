"""Help requests as a table to export (``accounts.exports``), as the reader may see each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable
from evenbetter.accounts.selectors import AnyUser
from evenbetter.support.selectors import help_request_seen_by


class HelpRequestsTable(ExportTable):
    """The requests the reader sees, redacted as the page redacts them (``help_request_seen_by``)."""

    slug = "help-requests"

    def __init__(self, user: AnyUser) -> None:
        self.user = user

    def header(self, data: Any) -> list[str]:
        return ["request", "area", "school", "kind", "urgency", "visibility", "status", "supporter", "asked on"]

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for r in data:
            seen = help_request_seen_by(self.user, r)
            yield [r.title, r.get_area_display(), seen.school_label, r.get_kind_display(), r.get_urgency_display(),
                   r.get_visibility_display(), r.get_status_display(), seen.supporter_name,
                   r.created_at.date()]  # fmt: skip
