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

**A page's kept panels are kept together**: ``panels_for`` reads every panel of the page that
opts in with one read of the cache, under a key made of all their keys (so it is out of reach
as soon as any one of them is), and the panels drawn afresh are written back as one entry once
the last of them is drawn (``_KeptTogether``) — a read and a write of the database cache for the
school page's whole glance, whatever the number of its kept panels — and its Pupils card's (the
inspections, the links to the schools it was and became), a region of the same page drawn after
it (``KEPT_WITH``). The panels that do not opt
in (the risk line, audited on every read; how fresh the figures are) are worked out every time,
in their place. ``section_for`` keeps its one panel under the panel's own key.

**A page's kept panels may be drawn ahead** (``draw_ahead``), by a worker, for a reader whose
shape many share (every system lead: ``ops.drawn_ahead``): the same HTML under the same key as
that reader's first view would keep, the panels that are not kept left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.template import engines
from django.template.context import make_context

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


class _KeptTogether:
    """The kept HTML of a page's panels that opt in, as one entry of the cache: what was found,
    and the keys still to be drawn; written once the last of those is drawn."""

    def __init__(self, key: str, found: dict[str, tuple[str, tuple[str, ...]]], awaited: set[str]) -> None:
        self.key = key
        self.found = dict(found)
        self.awaited = set(awaited)

    def drawn(self, panel_key: str, html: str, scripts: tuple[str, ...]) -> None:
        self.found[panel_key] = (html, scripts)
        self.awaited.discard(panel_key)
        if not self.awaited:
            cache.set(self.key, self.found, timeout=PANEL_KEPT_SECONDS)


def _refuse_personal(panel: Panel, html: str) -> None:
    """A panel's HTML kept for others holds nothing of its reader's own (a form's token): saying
    so loudly is the point."""
    if any(marker in html for marker in PERSONAL_MARKERS):
        raise ValueError(f"{type(panel).__qualname__} draws a form: its HTML cannot be kept for others.")


def _together_key(page: str, keys: list[str]) -> str:
    """The key of a page's kept panels together: all their keys (each naming its generation and
    its reader's access), so that the entry is out of reach when any one of them is."""
    return f"evenbetter:panels:{page}:" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]


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
    # The page's panels kept together (``panels_for``): what is drawn is kept there.
    together: _KeptTogether | None = None
    # Prepared by ``panels_for`` before its context is worked out (``with_context``).
    awaiting_context: bool = False

    def with_context(self, request: HttpRequest, subject: Any) -> ShownPanel:
        """This panel with its context worked out (once it is about to be drawn)."""
        if not self.awaiting_context:
            return self
        return ShownPanel(self.panel, self.panel.context(request, subject), self.cache_key, together=self.together)

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
        _refuse_personal(self.panel, html)
        if self.together is not None:
            self.together.drawn(self.cache_key, html, tuple(self.scripts))
        else:
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

# Called with a page's subject before its panels' keys are asked for (``panels_for``,
# ``draw_ahead``), so that an app above may read at once what those keys will name
# (``indicators``: a school's own generations, with every other, in one read of the cache).
_before_keys: list[Callable[[Any], None]] = []


def before_keys_register(hook: Callable[[Any], None]) -> None:
    if hook not in _before_keys:
        _before_keys.append(hook)


def _keys_wanted(subject: Any) -> None:
    for hook in _before_keys:
        hook(subject)


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


# Regions of one page drawn on every view of it, whose kept panels are read and written as one
# entry with the first region's (``panels_for``): the school page's glance, and the inspections
# and the links to the schools it was and became in its Pupils card, drawn after it. Every page
# that draws the first region draws the others (else the entry is never written: nothing wrong
# is shown, but nothing is kept; tests/pages/test_glance_kept_whole.py checks the school page).
KEPT_WITH: dict[str, tuple[str, ...]] = {"glance": ("school-pupils",)}


def _prepared_key(page: str, subject: Any) -> str:
    return f"{page}:{type(subject).__name__}:{getattr(subject, 'pk', None)}"


def _shown_with_keys(
    page: str, request: HttpRequest, subject: Any
) -> tuple[list[str], dict[str, list[Panel]], dict[str, list[str | None]]]:
    """The regions read together (the page's and ``KEPT_WITH``'s), the panels of each this reader
    sees, and each one's key (None: not kept) — the one rule for which panels of a page are kept
    and under what key, for a view (``panels_for``) and for drawing ahead (``draw_ahead``) alike."""
    regions = [page, *KEPT_WITH.get(page, ())]
    _keys_wanted(subject)
    panels = {
        region: [panel for panel in (cls() for cls in registered_panels(region)) if panel.is_shown(request, subject)]
        for region in regions
    }
    keys = {region: [panel.cache_key(request, subject) for panel in panels[region]] for region in regions}
    return regions, panels, keys


def panels_for(page: str, request: HttpRequest, subject: Any) -> list[ShownPanel]:
    """The panels of ``page`` this request's reader sees, in order, each with its context — or
    its kept HTML: those that opt in are read together, in one read of the cache (see the
    module's docstring), with those of the regions kept with it (``KEPT_WITH``), which are
    then prepared for this request (their contexts worked out when they are drawn)."""
    prepared: dict[str, list[ShownPanel]] = request.__dict__.setdefault("_evenbetter_panels_prepared", {})
    if (ready := prepared.pop(_prepared_key(page, subject), None)) is not None:
        return [entry if entry.html is not None else entry.with_context(request, subject) for entry in ready]
    regions, panels, keys = _shown_with_keys(page, request, subject)
    opted = [key for region in regions for key in keys[region] if key is not None]
    together = None
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    if opted:
        together_key = _together_key(page, opted)
        found = cache.get(together_key) or {}
        awaited = {key for key in opted if key not in found}
        together = _KeptTogether(together_key, found, awaited) if awaited else None
    shown: dict[str, list[ShownPanel]] = {}
    for region in regions:
        shown[region] = []
        for panel, key in zip(panels[region], keys[region], strict=True):
            if key is not None and key in found:
                html, scripts = found[key]
                shown[region].append(ShownPanel(panel, {}, html=html, kept_scripts=tuple(scripts)))
            else:
                shown[region].append(ShownPanel(panel, {}, cache_key=key, together=together, awaiting_context=True))
    for region in regions[1:]:
        prepared[_prepared_key(region, subject)] = shown[region]
    return [entry if entry.html is not None else entry.with_context(request, subject) for entry in shown[page]]


def draw_ahead(page: str, request: HttpRequest, subject: Any, page_context: dict[str, Any]) -> bool:
    """Draw and keep, before anyone asks, what a first view of ``page`` by this request's reader
    keeps (``panels_for``): the panels of the page and of the regions kept with it
    (``KEPT_WITH``) that the reader sees and that opt in, each drawn as ``{% render_panel %}``
    draws it (its template in the page's context, ``page_context`` and the context processors',
    with its own context over it) and kept as one entry under the same key. The panels that do
    not opt in are not asked for anything: nothing read ahead is audited, nothing personal is
    kept. False when it was kept already (or nothing of the page is kept for this reader)."""
    regions, panels, keys = _shown_with_keys(page, request, subject)
    opted = [
        (panel, key)
        for region in regions
        for panel, key in zip(panels[region], keys[region], strict=True)
        if key is not None
    ]
    if not opted:
        return False
    together_key = _together_key(page, [key for _, key in opted])
    if cache.get(together_key) is not None:
        return False
    engine = engines["django"].engine  # type: ignore[attr-defined]  # the Django backend's own engine
    context = make_context(page_context, request, autoescape=engine.autoescape)
    drawn: dict[str, tuple[str, tuple[str, ...]]] = {}
    with context.bind_template(engine.from_string("")):  # the context processors, once, as for the page
        for panel, key in opted:
            panel_context = panel.context(request, subject)
            with context.push(panel_context):
                html = engine.get_template(panel.template).render(context)
            _refuse_personal(panel, html)
            drawn[key] = (html, tuple(panel.scripts(panel_context)))
    cache.set(together_key, drawn, timeout=PANEL_KEPT_SECONDS)
    return True


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
