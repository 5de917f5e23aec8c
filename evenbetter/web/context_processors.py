from __future__ import annotations

from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from evenbetter.web.navigation import Header, navigation_for


def platform(request: HttpRequest) -> dict[str, object]:
    # A request refused before the authentication middleware (a bad Host header, say) has no
    # user: its error page is still drawn, as for someone signed out.
    user = getattr(request, "user", None) or AnonymousUser()
    match = getattr(request, "resolver_match", None)

    # Worked out when the header is drawn, once (a template calls a callable it is given).
    @cache
    def navigation() -> Header:
        return navigation_for(user, match.view_name if match else None)

    return {"platform_name": "Even Better", "navigation": navigation}
