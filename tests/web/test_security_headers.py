"""A strict Content-Security-Policy on every page, and templates that keep to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

# Same on any database: the headers and the templates' inline code: middleware, no query.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "evenbetter").glob("*/templates/**/*.html"))


def _policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sorted(values) for name, *values in directives}


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("anonymous", "/accounts/login/"),
        ("system_lead", "/"),
        ("school_leader_a", "/schools/115850/"),
        ("school_leader_a", "/audit/"),  # a 403
        ("anonymous", "/no-such-page/"),  # a 404
    ],
)
def test_every_response_carries_the_strict_policy(persona: str, page: str, client_for: Callable[[str], Client]) -> None:
    response = client_for(persona).get(page)
    assert response.status_code in (200, 403, 404)
    assert _policy(response["Content-Security-Policy"]) == {name: sorted(v) for name, v in EXPECTED.items()}
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_locked_out_page_carries_the_policy_too(school_leader_a) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "school_leader_a", "password": "wrong-wrong"})
    assert response.status_code == 429
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _inline_code(text: str) -> list[str]:
    found = re.findall(r"\sstyle\s*=", text) + re.findall(r"<style[\s>]", text)
    for attributes in re.findall(r"<script\b([^>]*)>", text):
        if "src=" not in attributes and "application/json" not in attributes:
            found.append(f"<script{attributes}>")
    found += re.findall(r"\son[a-z]+\s*=\s*[\"']", text)  # onclick="…" and the like
    found += re.findall(r"javascript:", text)
    # htmx's own inline handlers and evaluated expressions (run with eval, which the policy blocks).
    found += re.findall(r"\s(?:data-)?hx-(?:on\b[^=\s]*|vars|vals\s*=\s*[\"']js:)", text)
    return found


def test_the_template_scan_finds_what_the_policy_would_block() -> None:
    assert _inline_code('<div style="color: red">') and _inline_code("<style>p{}</style>")
    assert _inline_code("<script>alert(1)</script>") and _inline_code('<a onclick="x()">')
    assert not _inline_code('<script defer src="/static/web/charts.js"></script>')
    assert not _inline_code('<script id="d" type="application/json">{}</script>')
    assert _inline_code('<button hx-on:click="go()">') and _inline_code('<div hx-on::after-request="x()">')
    assert _inline_code('<div hx-vals="js:{a: 1}">') and _inline_code('<div data-hx-on-click="x()">')
    assert not _inline_code('<div hx-get="/jobs/1/progress/" hx-trigger="every 1s" hx-swap="outerHTML">')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: f"{path.parts[-3]}/{path.parts[-2]}/{path.name}")
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    assert len(TEMPLATES) > 50
    assert _inline_code(template.read_text()) == []
