"""How many answers one address may give one survey: a flood is refused, a class is not.

The same machinery as the API's throttle (``api/throttling.py``: Django REST framework's rate
throttle over the shared cache, so every web server counts together), keyed by the survey and
the address the answer came from (``accounts.client_ip.client_ip_address``, as sign-in
throttling reads it). The address is kept only as a salted hash in the cache key, for the
length of the window, and never with an answer. A school's pupils often share one address,
so the rate (EVENBETTER_PULSE_ANSWER_RATE) allows a whole year group in a lesson.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from evenbetter.accounts.client_ip import client_ip_address
from evenbetter.voice.models import PulseSurvey


class AnswerRateThrottle(SimpleRateThrottle):
    scope = "pulse_answer"

    def __init__(self, survey: PulseSurvey) -> None:
        self.survey = survey
        super().__init__()

    def get_rate(self) -> str:
        # Read when an answer comes in, so that a changed setting takes effect at once.
        return str(settings.EVENBETTER_PULSE_ANSWER_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        address = client_ip_address(request) or "unknown"
        salted = hashlib.sha256(f"{settings.SECRET_KEY}:{self.survey.token}:{address}".encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": salted[:32]}


def answer_allowed(request: HttpRequest, survey: PulseSurvey) -> tuple[bool, int]:
    """Whether one more answer from this address to this survey is allowed (and counts it when it
    is), with the seconds to wait when it is not."""
    throttle = AnswerRateThrottle(survey)
    # A rate throttle reads the request's address and never the view: the answer page has none.
    if throttle.allow_request(Request(request), None):  # type: ignore[arg-type]
        return True, 0
    return False, int(throttle.wait() or 0) + 1
