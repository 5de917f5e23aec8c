from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from evenbetter.accounts.selectors import scope_of


def platform(request: HttpRequest) -> dict[str, object]:
    # A request refused before the authentication middleware (a bad Host header, say) has no
    # user: its error page is still drawn, as for someone signed out.
    scope = scope_of(getattr(request, "user", None) or AnonymousUser())
    return {
        "platform_name": "Even Better",
        "nav_public_data": scope.sees_public_data,
        "nav_localities": scope.sees_public_data or bool(scope.agency_locality_ids),
        "nav_data": scope.is_system_lead,
        "nav_disputes": scope.is_system_lead or bool(scope.full_school_ids),
        "nav_watch_list": scope.is_system_lead or bool(scope.led_partnership_ids),
        "nav_audit": scope.is_system_lead,
        "nav_practice": bool(scope.roles),
        "nav_dashboard": scope.sees_public_data or bool(scope.agency_locality_ids or scope.agency_school_ids),
    }
