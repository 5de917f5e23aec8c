"""Keeps the request being answered at hand for the audit log.

A change to a membership is recorded by a model signal, which is not given the request: this
middleware lets the signal find who made the change (none when it was made from the command
line).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar("evenbetter_current_request", default=None)


def current_request() -> HttpRequest | None:
    """The request this thread is answering, or None outside one."""
    return _current_request.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
