"""Help under way on the watch list: a lead sees support in place before reaching out again."""

from __future__ import annotations

from evenbetter.earlywarning.watchlist import WatchListNote, register
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import can_ask_for, open_requests_by_school


def _as_text(help_request: HelpRequest) -> str:
    return f"{help_request.get_area_display()}: {help_request.get_status_display()}"


OPEN_HELP = register(
    WatchListNote(
        key="open_help",
        header="help under way",
        for_schools=open_requests_by_school,
        as_text=_as_text,
        action_key="can_ask_for_help",
        may_act=can_ask_for,
    )
)
