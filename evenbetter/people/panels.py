"""The home page's reminder of the invitations the reader sent that nobody has accepted yet."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.accounts.invitations import invitations_waiting_from
from evenbetter.pages.registry import Panel, register


@register
class InvitationsWaiting(Panel):
    page = "home"
    order = 60  # after what needs the reader today (10–50), before each role's panel (100–500)
    template = "people/_home_invitations_waiting.html"
    title = "Invitations waiting"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return invitations_waiting_from(request.user).exists()

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"waiting": list(invitations_waiting_from(request.user))}
