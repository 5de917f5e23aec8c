"""The address a request came from, for sign-in throttling and the audit log.

Without a reverse proxy it is REMOTE_ADDR. Behind EVENBETTER_TRUSTED_PROXIES proxies (nginx,
a load balancer), each of which appends the address it was reached from to X-Forwarded-For,
it is the entry the outermost trusted proxy appended: entries to the left of it were written
by the client and could say anything.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    trusted = settings.EVENBETTER_TRUSTED_PROXIES
    if trusted > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR") or None
