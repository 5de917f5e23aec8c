from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class ApiUserRateThrottle(UserRateThrottle):
    """Requests per signed-in user, at EVENBETTER_API_RATE (e.g. "1000/hour").

    The rate is read when a request comes in, not when the class is defined as DRF's own
    throttles do, so that a changed setting takes effect (and tests can set a small one)."""

    scope = "user"

    def get_rate(self) -> str:
        return str(settings.EVENBETTER_API_RATE)
