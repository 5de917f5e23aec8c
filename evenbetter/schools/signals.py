"""What the register tells the apps above it, which it may not import (``docs/architecture.md``).

``partnership_members_changed``: a school joined or left a partnership — the register import
moved it into or out of a trust or federation (``services.register_sync_partnerships``), or it
joined one through ``services.partnership_members_add`` (the demo's clusters); ``school_ids``, a
frozenset, names the schools that joined or left. Whatever writes memberships goes through one of
those two, so that it is said. Sent inside the writing transaction; figures kept over a partnership's members are then
out of date (``indicators.figures_cache`` renews the figures' generation when the transaction
commits), and so is the kept contact summary of those schools and of the schools they have had
contact with, whose share of contact outside their partnerships may change
(``partnerships.services.contact_summaries_dropped`` drops those rows in the same transaction).
"""

from __future__ import annotations

from django.dispatch import Signal

partnership_members_changed = Signal()
