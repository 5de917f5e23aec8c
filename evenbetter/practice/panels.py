"""The practice library's panels: the practice a school has shared and tried, with what
changed there (school page), recent stories and most-tried ideas (home page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.accounts.selectors import scope_of
from evenbetter.pages.registry import Panel, register
from evenbetter.practice.models import PracticeItem
from evenbetter.practice.selectors import most_tried, published_items, tried_by


@register
class PracticeShared(Panel):
    page = "school"
    order = 600
    template = "practice/_school_practice.html"
    title = "Practice"
    slug = "practice"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        shared = published_items(request.user).filter(schools=subject).prefetch_related("areas")[:10]
        return {"practice_shared": shared, "practice_tried": tried_by(request.user, subject)}


@register
class FromTheLibrary(Panel):
    """Celebrate, on the home page after what needs the reader today: recent stories and the most-tried ideas."""

    page = "home"
    order = 900
    template = "practice/_home_celebrate.html"
    title = "From the practice library"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return bool(scope_of(request.user).roles)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {
            "practice_stories": published_items(request.user).filter(kind=PracticeItem.Kind.STORY)[:3],
            "practice_tried": most_tried(request.user, limit=3),
        }
