"""The one pattern for pages htmx updates in part (evenbetter/pages/htmx.py): the part only when
htmx asks for it, the whole page for a browser and for htmx's history restore, Vary on both
headers; after an inline step, the part with its message for htmx, a redirect otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from evenbetter.pages.htmx import htmx_wants_part, render_page_or_part, step_done

# The same small template stands for both: which one was drawn is told by the context it was given.
NOTE = "pages/_note.html"


def _request(method: str = "get", **headers: str) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/somewhere/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    HtmxMiddleware(lambda r: HttpResponse())(request)  # sets request.htmx, as in the settings' middleware
    return request


@pytest.mark.parametrize(
    ("headers", "wants_part"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        # htmx asking again for a page its history cache no longer holds: that is a whole page.
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
)
def test_the_part_is_only_for_htmx_and_never_for_a_history_restore(headers: dict[str, str], wants_part: bool) -> None:
    assert htmx_wants_part(_request(**headers)) is wants_part


def test_a_request_that_never_went_through_the_middleware_gets_the_page() -> None:
    assert htmx_wants_part(RequestFactory().get("/", headers={"HX-Request": "true"})) is False


def test_page_or_part_draws_the_right_template_and_varies_on_both_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []

    def fake_render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        drawn.append(template)
        return HttpResponse(template, status=status)

    monkeypatch.setattr("evenbetter.pages.htmx.render", fake_render)
    for headers, expected in [({}, "page.html"), ({"HX-Request": "true"}, "_part.html")]:
        response = render_page_or_part(_request(**headers), page="page.html", part="_part.html", context={})
        assert response.content.decode() == expected
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"HX-Request", "HX-History-Restore-Request"} <= vary
    assert drawn == ["page.html", "_part.html"]


def test_a_step_done_for_htmx_returns_its_part_with_the_message_and_keeps_no_message_for_later() -> None:
    request = _request("post", **{"HX-Request": "true"})
    response = step_done(request, message="Saved.", part=NOTE, context={"note": "the part"}, then="/next/")
    assert response.status_code == 200
    assert "the part" in response.content.decode()
    assert list(get_messages(request)) == []  # nothing left to show on a later page


def test_a_step_done_without_javascript_redirects_with_the_message() -> None:
    request = _request("post")
    response = step_done(request, message="Saved.", part=NOTE, context={"note": "the part"}, then="/next/")
    assert response.status_code == 302 and response["Location"] == "/next/"
    assert [str(m) for m in get_messages(request)] == ["Saved."]
