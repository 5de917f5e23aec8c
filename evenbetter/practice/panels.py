"""The practice library's panel on the school page: the practice the school has shared."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.pages.registry import Panel, register
from evenbetter.practice.selectors import published_items


@register
class PracticeShared(Panel):
    page = "school"
    order = 300
    template = "practice/_school_practice.html"
    title = "Practice it has shared"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        shared = published_items(request.user).filter(schools=subject).prefetch_related("areas")[:10]
        return {"practice_shared": shared}
