"""One pattern for the pages that htmx updates in part, kept here because every app's views
use it (``pages`` is below them all and imports no app).

A page whose filters change only its results renders the whole page for an ordinary GET and
only its part (a template the page itself includes) when htmx asks: django-htmx's middleware
reads the ``HX-*`` headers into ``request.htmx``. A history restore (htmx asking again for a
page that is no longer in its cache) gets the whole page, as a browser would. ``Vary`` names
both headers so that no cache ever hands a part to a browser that asked for the page.

An inline step (answer a risk, agree a support, mark an action done) posts a form: htmx gets
the updated part back, with the step's message inside it; without JavaScript the message goes
to the next page and the browser is redirected, as before. A form that is wrong comes back as
its part with the form and its errors in place, with status 422 (``htmx-config`` in
``base.html`` swaps 422 in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

# The request headers that decide between a page and its part.
VARY = ("HX-Request", "HX-History-Restore-Request")
# A form htmx posted that is wrong: its part comes back, with its errors in place.
UNPROCESSABLE = 422


def htmx_wants_part(request: HttpRequest) -> bool:
    """Whether htmx asked for a part of the page (not a history restore, which is a page)."""
    details: HtmxDetails | None = getattr(request, "htmx", None)
    return bool(details) and not (details is not None and details.history_restore_request)


def varied(response: HttpResponse) -> HttpResponse:
    """The response, marked as depending on whether htmx asked (for a view that draws its part
    and its page from different contexts)."""
    patch_vary_headers(response, VARY)
    return response


def render_page_or_part(
    request: HttpRequest, *, page: str, part: str, context: Mapping[str, Any], status: int = 200
) -> HttpResponse:
    """The whole page, or only its part when htmx asks for it; the page includes the part."""
    template = part if htmx_wants_part(request) else page
    return varied(render(request, template, dict(context), status=status))


def render_part(request: HttpRequest, part: str, context: Mapping[str, Any], status: int = 200) -> HttpResponse:
    """A part of a page on its own, for htmx to put in place."""
    return varied(render(request, part, dict(context), status=status))


def step_done(request: HttpRequest, *, message: str, part: str, context: Mapping[str, Any], then: str) -> HttpResponse:
    """After an inline step: for htmx, the updated part saying what was done (``step_message``);
    otherwise the message for the next page and a redirect to ``then``."""
    if htmx_wants_part(request):
        return render_part(request, part, {**context, "step_message": message})
    messages.success(request, message)
    return varied(redirect(then))
