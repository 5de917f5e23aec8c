"""The school page's glance drawn ahead for system leads: by the refresh, and each night.

A school's page keeps its glance (and its Pupils card's inspections and links) once drawn, per
reader's access shape (``schools.access.access_shape``), until the data it shows changes
(``pages.registry``). Every system lead has the same shape, so one drawing serves them all and a
worker can make it before anyone asks: after the refresh has worked the figures out (its last
step) and each night once the day's contact summaries are kept (the glance's words change with
the date: overdue, days since). A system lead then meets a kept glance on any school's first
view, as on a view drawn before. Readers of other shapes (a school's own staff, a partnership
lead) still draw theirs on their first view: their shape names the person.

What is drawn is exactly what that first view would keep (``pages.registry.draw_ahead``, the
page's own context from ``schools.selectors.school_page_context``); the panels that are not kept
(the risk line, whose every read is audited; how fresh the figures are) are not asked.

How many: every open school, then the rest, up to half of what the database cache holds
(``MAX_ENTRIES``: a cache that culled what was drawn would have drawn it for nothing; Redis is
not counted). The reader is an active system lead's account (drawing writes nothing but the
cache: no audit, no row); with none, nothing is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.indicators.figures_cache import read_as_in_a_request
from evenbetter.pages.registry import draw_ahead
from evenbetter.schools.access import school_access
from evenbetter.schools.models import School
from evenbetter.schools.selectors import school_page_context

GLANCE = "glance"
# How often the drawing says how far it is (schools).
PROGRESS_EVERY = 200


def _reader() -> User | None:
    """An active system lead: every system lead is shown the same glance of every school."""
    membership = (
        Membership.objects.filter(role=Role.SYSTEM_LEAD, user__is_active=True).select_related("user").order_by("pk")
    ).first()
    return membership.user if membership is not None else None


def capacity() -> int | None:
    """How many schools' glances the shared cache can hold beside everything else it keeps:
    half the database cache's ``MAX_ENTRIES``; None (no count) for another cache (Redis)."""
    backend = caches["default"]  # the backend itself (``cache`` is a proxy of it)
    if isinstance(backend, DatabaseCache):
        return int(backend._max_entries) // 2
    return None


def glances_drawn_ahead(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Draw ahead the glance of every school a system lead may open (open schools first), as far
    as the cache holds them (``capacity``); ``progress(done, total)`` now and then. Returns how
    many were drawn (those kept already are left as they are)."""
    reader = _reader()
    if reader is None:
        return 0
    schools = School.objects.annotate(
        closed=Case(When(status=School.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("closed", "pk")
    limit, count = capacity(), schools.count()
    total = count if limit is None else min(limit, count)
    drawn = 0
    for done, school in enumerate(schools[:total].iterator(chunk_size=500), start=1):
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = school.get_absolute_url()
        request.user = reader
        with read_as_in_a_request():  # the generations read once for the school, as a view does
            access = school_access(reader, school)
            drawn += draw_ahead(GLANCE, request, school, school_page_context(reader, school, access))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return drawn
