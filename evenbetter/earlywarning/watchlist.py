"""Extra per-school notes on the watch list, registered by the apps above early warning.

The watch list shows, beside each school's score, what other apps know about the school
(help already asked for, from ``support/watchlist.py``); early warning imports none of
them. Each note says which attribute it puts on a score (the template reads it), its
column in the export, and who may act on a school from its risk page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evenbetter.accounts.selectors import AnyUser
from evenbetter.schools.models import School


@dataclass(frozen=True)
class WatchListNote:
    key: str  # the attribute each score carries, e.g. ``open_help``
    header: str  # its column in the watch list's export
    for_schools: Callable[[list[int]], dict[int, list[Any]]]
    as_text: Callable[[Any], str]  # one note, in the export
    action_key: str  # the school risk page's context name, e.g. ``can_ask_for_help``
    may_act: Callable[[AnyUser, School], bool]


_NOTES: dict[str, WatchListNote] = {}


def register(note: WatchListNote) -> WatchListNote:
    _NOTES[note.key] = note  # by key: importing the registering module again changes nothing
    return note


def watch_list_notes() -> list[WatchListNote]:
    return [_NOTES[key] for key in sorted(_NOTES)]


def notes_attach(scores: Sequence[Any]) -> None:
    """Put every registered note on each score, as the attribute the note names."""
    school_ids = [score.school_id for score in scores]
    for note in watch_list_notes():
        found = note.for_schools(school_ids)
        for score in scores:
            setattr(score, note.key, found.get(score.school_id, []))


def school_actions(user: AnyUser, school: School) -> dict[str, bool]:
    """What the user may do for a school from its risk page, by the notes' action keys."""
    return {note.action_key: note.may_act(user, school) for note in watch_list_notes()}
