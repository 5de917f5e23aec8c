"""The panel registry: which panels a page has, in which order, and who sees each.

A panel is a small class: the page it belongs to, its order on that page, its template,
``is_shown`` (where permission checks go) and ``context`` (what its template draws).
Panels are sorted by ``order`` and then by their module and name, never by the order the
apps were installed in, so no panel depends on another having run first.

**A panel's drawn HTML may be kept** in the shared cache (``CACHES["default"]``), opt-in: a
panel whose output is costly and the same for every reader who gets the same key says so by
returning a key from ``cache_key`` (built with ``indicators.figures_cache.figures_key``, so
that it carries the figures' generation and is out of reach after any write of values,
families, benchmarks, risk or contacts). The key must name everything the HTML depends on
about the reader — their access to the subject, never less — and everything else the
template reads (the page's own variables included); a panel that draws anything personal
(the reader's name, their requests, a form's CSRF token) is never kept. The one home of
the mechanism is here: ``panels_for`` and ``section_for`` read the kept HTML instead of
computing the context, ``{% render_panel %}`` keeps what it draws.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.core.cache import cache
from django.http import HttpRequest

# Kept panels' keys carry the figures' generation: time only clears old generations away.
PANEL_KEPT_SECONDS = 14 * 24 * 3600
# A form's token is the reader's own: HTML that holds one is never kept for another reader.
PERSONAL_MARKERS = ("csrfmiddlewaretoken",)


class Panel:
    """One part of a page, owned by the app that knows about it."""

    page: ClassVar[str] = ""
    order: ClassVar[int] = 0
    template: ClassVar[str] = ""
    title: ClassVar[str] = ""
    # A panel that is a section of its page (one the reader opens as needed) names itself in
    # its URL: ``/schools/id/<pk>/sections/<slug>/``. Its context is computed only then.
    slug: ClassVar[str] = ""
    # Scripts the page loads up front so that the section works when it arrives by htmx (a
    # swapped-in ``<script>`` is not run under the strict CSP).
    section_scripts: ClassVar[list[str]] = []

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        """Whether this reader sees the panel at all: permission checks go here."""
        return True

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        """What the panel's template draws, computed once."""
        return {}

    def scripts(self, context: dict[str, Any]) -> list[str]:
        """Static paths of the scripts the panel needs on the page (deferred, once each)."""
        return []

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        """Opt-in: the key under which the panel's drawn HTML is kept and shared with every
        reader who gets the same key (see the module's docstring for what it must name).
        Asked only after ``is_shown``. None, the default: drawn afresh for each reader."""
        return None


@dataclass(frozen=True)
class ShownPanel:
    """A panel as one reader sees it: the panel and its computed context — or, for a panel
    kept in the cache, the HTML and scripts kept (``html``; the context is then empty)."""

    panel: Panel
    context: dict[str, Any]
    # Where to keep the HTML once drawn (a panel that opts in, not found in the cache).
    cache_key: str | None = None
    html: str | None = None
    kept_scripts: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return self.panel.template

    @property
    def title(self) -> str:
        return self.panel.title

    @property
    def scripts(self) -> list[str]:
        return list(self.kept_scripts) if self.html is not None else self.panel.scripts(self.context)

    def keep(self, html: str) -> None:
        """Keep what ``{% render_panel %}`` drew, if the panel opted in (and it holds nothing
        personal: a panel that draws a form cannot be kept, and saying so loudly is the point)."""
        if self.cache_key is None or self.html is not None:
            return
        if any(marker in html for marker in PERSONAL_MARKERS):
            raise ValueError(f"{type(self.panel).__qualname__} draws a form: its HTML cannot be kept for others.")
        cache.set(self.cache_key, (html, tuple(self.scripts)), timeout=PANEL_KEPT_SECONDS)


def _shown(panel: Panel, request: HttpRequest, subject: Any) -> ShownPanel:
    """The panel for this reader: its kept HTML when it opted in and it is kept, else its context."""
    key = panel.cache_key(request, subject)
    if key is not None:
        kept = cache.get(key)
        if kept is not None:
            html, scripts = kept
            return ShownPanel(panel, {}, html=html, kept_scripts=tuple(scripts))
    return ShownPanel(panel, panel.context(request, subject), cache_key=key)


PanelClass = TypeVar("PanelClass", bound=type[Panel])

_panels: dict[str, list[type[Panel]]] = {}


def register(panel_class: PanelClass) -> PanelClass:
    """Class decorator: add a panel to its page. Registering the same class twice is a no-op."""
    if not panel_class.page or not panel_class.template:
        raise ValueError(f"{panel_class.__qualname__} needs a page and a template.")
    registered = _panels.setdefault(panel_class.page, [])
    if panel_class not in registered:
        registered.append(panel_class)
    return panel_class


def unregister(panel_class: type[Panel]) -> None:
    registered = _panels.get(panel_class.page, [])
    if panel_class in registered:
        registered.remove(panel_class)


def registered_panels(page: str) -> list[type[Panel]]:
    """The page's panel classes in the order they are drawn."""
    return sorted(_panels.get(page, []), key=lambda cls: (cls.order, cls.__module__, cls.__qualname__))


def panels_for(page: str, request: HttpRequest, subject: Any) -> list[ShownPanel]:
    """The panels of ``page`` this request's reader sees, in order, each with its context."""
    shown = []
    for panel_class in registered_panels(page):
        panel = panel_class()
        if panel.is_shown(request, subject):
            shown.append(_shown(panel, request, subject))
    return shown


def sections_for(page: str, request: HttpRequest, subject: Any) -> list[Panel]:
    """The page's sections this reader may open, in order: only ``is_shown`` is asked, so
    nothing of a section is computed until it is opened."""
    return [
        panel
        for panel in (panel_class() for panel_class in registered_panels(page) if panel_class.slug)
        if panel.is_shown(request, subject)
    ]


def section_for(page: str, slug: str, request: HttpRequest, subject: Any) -> ShownPanel | None:
    """One section of the page as this reader sees it, computed; None when the page has no
    such section or the reader may not see it."""
    for panel in sections_for(page, request, subject):
        if panel.slug == slug:
            return _shown(panel, request, subject)
    return None


def scripts_of(shown: list[ShownPanel]) -> list[str]:
    """The scripts the shown panels need, each once, in panel order."""
    scripts: list[str] = []
    for entry in shown:
        scripts += [src for src in entry.scripts if src not in scripts]
    return scripts


@contextmanager
def register_temporarily(panel_class: type[Panel]) -> Iterator[type[Panel]]:
    """For tests: the panel is registered inside the ``with`` block only."""
    already = panel_class in _panels.get(panel_class.page, [])
    register(panel_class)
    try:
        yield panel_class
    finally:
        if not already:
            unregister(panel_class)
