"""Concerns on the watch list: a lead sees what people who work with the school have said, and
the school's answer, beside its score."""

from __future__ import annotations

from evenbetter.concerns.models import Concern
from evenbetter.concerns.selectors import live_concerns_by_school, may_raise_about
from evenbetter.earlywarning.watchlist import WatchListNote, register


def _as_text(concern: Concern) -> str:
    answer = f" — answered: {concern.answer}" if concern.answer else " — not answered yet"
    return f"{concern.get_area_display()}: {concern.text}{answer}"


CONCERNS = register(
    WatchListNote(
        key="concerns",
        header="concerns raised",
        for_schools=live_concerns_by_school,
        as_text=_as_text,
        action_key="can_raise_concern",
        may_act=may_raise_about,
    )
)
