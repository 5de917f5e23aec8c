"""A panel's drawn HTML kept in the shared cache (``Panel.cache_key``, opt-in): worked out once
for every reader with the same key, drawn afresh for a reader with another key, gone with the
generation, and never kept when it holds a form's token."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.http import HttpRequest
from django.template import engines
from django.test import RequestFactory

from evenbetter.indicators.figures_cache import figures_changed, figures_key
from evenbetter.pages.registry import Panel, panels_for, register_temporarily, scripts_of, section_for

PAGE = "test-kept-page"
DRAW = engines["django"].from_string(
    "{% load page_panels %}{% for shown in panels %}{% render_panel shown %}{% endfor %}"
)


class Counted(Panel):
    """Says how many times its context was worked out, and for which reader's level."""

    page = PAGE
    template = "pages/_note.html"
    slug = "counted"
    worked_out: ClassVar[int] = 0

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        return figures_key("panel:test-counted", scope=(subject, request.GET.get("level", "")))

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        type(self).worked_out += 1
        return {"note": f"{subject} for {request.GET.get('level', '')}, worked out {type(self).worked_out} time(s)"}

    def scripts(self, context: dict[str, Any]) -> list[str]:
        return ["web/charts.js"]


class WithAForm(Panel):
    page = PAGE
    template = "pages/_note.html"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        return figures_key("panel:test-form", scope=subject)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"note": '<input type="hidden" name="csrfmiddlewaretoken" value="the-readers-own">'}


def _page(level: str, subject: str = "Alton") -> str:
    request = RequestFactory().get("/", {"level": level})
    return DRAW.render({"panels": panels_for(PAGE, request, subject)}, request)


@pytest.fixture(autouse=True)
def _counted() -> None:
    Counted.worked_out = 0


@pytest.mark.django_db
def test_the_panel_is_worked_out_once_for_readers_with_the_same_key() -> None:
    with register_temporarily(Counted):
        first = _page("public")
        again = _page("public")
    assert Counted.worked_out == 1
    assert again == first
    assert "Alton for public, worked out 1 time(s)" in again


@pytest.mark.django_db
def test_a_reader_with_another_key_gets_their_own_panel_never_the_one_kept() -> None:
    with register_temporarily(Counted):
        full = _page("full")
        public = _page("public")
        full_again = _page("full")
    assert "Alton for full" in full and "for public" not in full
    assert "Alton for public" in public and "for full" not in public
    assert full_again == full
    assert Counted.worked_out == 2


@pytest.mark.django_db
def test_a_write_of_the_figures_puts_the_kept_panel_out_of_reach(django_capture_on_commit_callbacks) -> None:
    with register_temporarily(Counted):
        _page("public")
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed()
        after = _page("public")
    assert "worked out 2 time(s)" in after


@pytest.mark.django_db
def test_a_kept_section_keeps_its_scripts() -> None:
    with register_temporarily(Counted):
        request = RequestFactory().get("/", {"level": "public"})
        drawn = section_for(PAGE, "counted", request, "Alton")
        assert drawn is not None and drawn.html is None
        DRAW.render({"panels": [drawn]}, request)
        kept = section_for(PAGE, "counted", request, "Alton")
    assert kept is not None and kept.html is not None and kept.context == {}
    assert scripts_of([kept]) == ["web/charts.js"]
    assert Counted.worked_out == 1


@pytest.mark.django_db
def test_a_panel_that_draws_a_form_is_never_kept_for_another_reader() -> None:
    with register_temporarily(WithAForm), pytest.raises(ValueError, match="draws a form"):
        _page("public")
    with register_temporarily(WithAForm), pytest.raises(ValueError, match="draws a form"):
        _page("public")  # nothing was kept: drawn (and refused) again
