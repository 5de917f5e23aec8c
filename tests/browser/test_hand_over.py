"""A page handed from person to person (``hand_over``, for tests where people act one after
another) is as a browser context of their own would be: the next person's session alone, nothing
that the person before left in the browser (cookies, the tab's storage), and no one's at all when
it is handed to no one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Browser, Page, expect

from evenbetter.accounts.models import User
from tests.browser.conftest import hand_over, new_context

LEFT_BEHIND = """() => {
  document.cookie = "left_behind=1; path=/";
  sessionStorage.setItem("left_behind", "1");
  localStorage.setItem("left_behind", "1");
}"""
WHAT_IS_LEFT = "() => [sessionStorage.getItem('left_behind'), localStorage.getItem('left_behind')]"


def _signed_in_as(page: Page) -> str | None:
    """The primary key of the user whose session the browser holds, or None."""
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    if settings.SESSION_COOKIE_NAME not in cookies:
        return None
    return SessionStore(session_key=cookies[settings.SESSION_COOKIE_NAME]).get("_auth_user_id")


@pytest.mark.django_db(transaction=True)
def test_a_page_handed_over_keeps_nothing_of_the_person_before(
    live_server, browser: Browser, system_lead: User, governor: User
) -> None:
    base = live_server.url
    page = new_context(browser).new_page()
    hand_over(page, base, "system_lead")
    page.goto(f"{base}/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # only when signed in
    assert _signed_in_as(page) == str(system_lead.pk)
    page.evaluate(LEFT_BEHIND)

    client = hand_over(page, base, "governor")
    assert _signed_in_as(page) == str(governor.pk)
    assert "left_behind" not in {cookie["name"] for cookie in page.context.cookies()}
    page.goto(f"{base}/")
    assert page.evaluate(WHAT_IS_LEFT) == [None, None]
    assert client.get("/").wsgi_request.user == governor  # the client returned has the same session
    page.evaluate(LEFT_BEHIND)

    hand_over(page, base, None)
    assert _signed_in_as(page) is None
    page.goto(f"{base}/")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert page.evaluate(WHAT_IS_LEFT) == [None, None]
    page.context.close()
