"""The register's own panel: on the school page, the school it was before (or became), whose
inspections are read as one history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from evenbetter.pages.registry import Panel, register
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import SchoolLink
from evenbetter.schools.selectors import school_links_seen_by


@register
class SchoolHistoryLinks(Panel):
    page = "school-pupils"  # beside the inspections the link carries over
    order = 90
    template = "schools/_school_links.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        if school_access(request.user, subject) == SchoolAccess.NONE:
            return False
        return SchoolLink.objects.filter(Q(predecessor=subject) | Q(successor=subject)).exists()

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        before, after = school_links_seen_by(user=request.user, school=subject)
        return {"was": before, "became": after}
