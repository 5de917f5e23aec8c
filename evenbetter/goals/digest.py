"""Celebrations in the weekly digest: what is new since the reader's last digest, as each may see it."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from evenbetter.accounts.models import User
from evenbetter.goals.selectors import celebrating_readers, celebrations_visible_to
from evenbetter.practice.digest import DigestPart, register_part


@register_part
class Celebrating(DigestPart):
    order = 100
    heading = "Celebrating"

    def readers(self) -> QuerySet[User]:
        return celebrating_readers()

    def lines(self, user: User, *, since: dt.datetime, until: dt.datetime) -> list[str]:
        found = celebrations_visible_to(user, since=since, limit=10, near=True)
        return [
            f"- {c.headline}" + (f' "{c.words}"' if c.words else "")
            for c in found
            if c.found_at <= until and not c.quiet
        ]
