"""A page's *shape*: what axe-core's rules read of it, without the words and numbers.

Two answers with the same shape are the same template drawn with the same parts, the same
attributes and the same ARIA, differing only in their words, figures and addresses (school A's
page and school B's for a reader who sees both in full; the list of practice for two readers
of the same rights). axe-core's rules read the document's structure, its attributes, the
styles its classes give, and whether a name or a text is there — not what the text says — so
the every-page walk opens in the browser only the pages whose shape it has not yet checked.

What the shape keeps, element by element, in document order:

- the tag, and the value of every attribute that changes what axe checks or how the page is
  styled (``class``, ``style``, ``role``, ``type``, ``scope``, ``tabindex``, ``lang``, every
  ``aria-*`` but the names, …), with digits written as ``#`` (``row-12`` and ``row-13`` are
  the same id pattern);
- for an attribute that names something (``href``, ``alt``, ``title``, ``aria-label``,
  ``placeholder``, ``value``, ``src``, ``action``): only whether it is empty, a fragment or
  something else;
- for an id: whether another element of the document has the same id (a duplicated id is a
  violation, so a page with one never shares a shape with a page without); for an attribute
  that points at ids (``for``, ``headers``, ``aria-labelledby``, ``aria-describedby``,
  ``aria-controls``): whether every id it points at is in the document;
- whether an element holds text of its own (an empty link, heading or button is a violation);
- children in order, a run of identical siblings kept once (a table of 12 rows and one of 14
  rows of the same kind have the same shape).

The shape is taken in two parts: the ``<main>`` element, and the rest of the document around
it (header, navigation, footer: the *frame*, which differs by role and by the section the page
is in). Every frame and every main part read is checked on at least one page opened
(``pages_to_open``); its words are never looked at. Rules that
read the words themselves are few and minor (``identical-links-same-purpose``, experimental
ones off by default): a page that differs only there is not walked again.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# Attributes whose value is kept (digits as #).
KEPT = frozenset(
    {
        "class",
        "style",
        "role",
        "type",
        "scope",
        "tabindex",
        "lang",
        "hidden",
        "colspan",
        "rowspan",
        "open",
        "disabled",
        "multiple",
        "required",
        "autocomplete",
        "method",
        "rel",
        "name",
        "inert",
        "accesskey",
        "dir",
        "xml:lang",
        "autofocus",
        "readonly",
        "checked",
        "selected",
    }
)
# Attributes that name or point: only whether they are empty, a fragment, or something.
NAMES = frozenset({"href", "alt", "title", "aria-label", "placeholder", "value", "src", "action", "content"})
# Attributes that point at ids in the document.
POINTERS = frozenset({"for", "headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "list"})
_DIGITS = re.compile(r"\d+")
_ID = re.compile(r"""\sid\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _digits_as_hash(value: str) -> str:
    return _DIGITS.sub("#", value)


class _Tree(HTMLParser):
    """The document as nested ``[label, children]`` lists; text as the string ``"T"``."""

    def __init__(self, ids: Counter[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.ids = ids
        self.root: list = ["#document", []]
        self.open: list[list] = [self.root]

    def _label(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        parts = []
        for name, raw in sorted(attrs):
            value = raw or ""
            if name == "id":
                parts.append(f"id={_digits_as_hash(value)}{'!dup' if self.ids[value] > 1 else ''}")
            elif name in POINTERS:
                missing = any(self.ids[target] == 0 for target in value.split())
                parts.append(f"{name}={_digits_as_hash(value)}{'!missing' if missing else ''}")
            elif name in NAMES:
                kind = "empty" if not value.strip() else ("fragment" if value.startswith("#") else "some")
                parts.append(f"{name}:{kind}")
            elif name in KEPT or name.startswith("aria-"):
                parts.append(f"{name}={_digits_as_hash(value)}")
            else:
                parts.append(name)
        return f"{tag}[{','.join(parts)}]"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: list = [self._label(tag, attrs), []]
        self.open[-1][1].append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1][1].append([self._label(tag, attrs), []])

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth][0].split("[", 1)[0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self.open[-1][1]
        if data.strip() and (not children or children[-1] != "T"):
            children.append("T")


def _digest(node: list | str) -> str:
    if isinstance(node, str):
        return node
    children: list[str] = []
    for child in node[1]:
        digest = _digest(child)
        if not children or children[-1] != digest:
            children.append(digest)
    return hashlib.blake2b(f"{node[0]}({'|'.join(children)})".encode(), digest_size=10).hexdigest()


def _take_main(node: list) -> list | None:
    """The first ``<main>`` element, cut out of the tree (its place kept as an empty main)."""
    for index, child in enumerate(node[1]):
        if isinstance(child, str):
            continue
        if child[0].startswith("main["):
            node[1][index] = ["main[]", []]
            return child
        found = _take_main(child)
        if found is not None:
            return found
    return None


def page_shape(html: str) -> tuple[str, str]:
    """The shape of an HTML document: (the frame's, the main element's)."""
    tree = _Tree(Counter(_ID.findall(html)))
    tree.feed(html)
    tree.close()
    main = _take_main(tree.root)
    return _digest(tree.root), _digest(main) if main is not None else "no main"


def pages_to_open(shapes: Sequence[tuple[str, str]]) -> list[int]:
    """Which of these pages to open so that every frame and every main part among them is checked
    at least once, with as few pages as can do it: their indexes, in the order given.

    Each page checks one frame and one main part together, so the fewest pages are one for each
    pair of a new frame and a new main part that can be checked together, and one more for each
    frame or main part left without a partner (a minimum edge cover of the frames and main parts:
    as many pages as there are frames and main parts, less the most pairs that share no frame and
    no main part, found by augmenting paths). Opening a page only when its frame or its main part
    is new, in the walk's order, opened 237 pages where 217 check the same 81 frames and 201 main
    parts. Of the pages of one pair, the first is taken."""
    first_of_pair: dict[tuple[str, str], int] = {}
    for index, pair in enumerate(shapes):
        first_of_pair.setdefault(pair, index)
    mains_of: dict[str, list[str]] = {}
    for frame, main in first_of_pair:
        mains_of.setdefault(frame, []).append(main)
    frame_of_main: dict[str, str] = {}

    def pair_up(frame: str, tried: set[str]) -> bool:
        # An augmenting path: a main part still free, or one whose frame can move to another.
        for main in mains_of[frame]:
            if main in tried:
                continue
            tried.add(main)
            if main not in frame_of_main or pair_up(frame_of_main[main], tried):
                frame_of_main[main] = frame
                return True
        return False

    for frame in mains_of:
        pair_up(frame, set())
    chosen = {first_of_pair[(frame, main)] for main, frame in frame_of_main.items()}
    covered_frames = set(frame_of_main.values())
    for index, (frame, main) in enumerate(shapes):
        if main not in frame_of_main:
            frame_of_main[main] = frame
            covered_frames.add(frame)
            chosen.add(index)
        elif frame not in covered_frames:
            covered_frames.add(frame)
            chosen.add(index)
    return sorted(chosen)
