from typing import Any

from django.apps import AppConfig

from evenbetter.indicators.figures_cache import records_changed, school_records_tracked

# The concerns' generation (``indicators.figures_cache.records_generation``): the school page's
# glance of concerns is kept until a concern is written.
CONCERN_RECORDS = "concerns"


def concern_records_changed(**kwargs: Any) -> None:
    """A concern was raised, answered, withdrawn, closed or deleted: what is kept of concerns is
    out of date once that commits, for every school: called by a write without ``post_save`` (each row saved
    renews its own school's alone: ``school_records_tracked`` below)."""
    records_changed(CONCERN_RECORDS)


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.concerns"
    verbose_name = "Collective concerns"

    def ready(self) -> None:
        # Importing these registers the concerns indicator, the school and home panels, and
        # the watch list's note.
        from evenbetter.concerns import indicators, panels, watchlist  # noqa: F401
        from evenbetter.concerns.models import Concern

        # Each row saved says so; a write without signals (a delete, an update or a bulk insert of
        # rows) calls it itself: tests/pages/test_glance_record_writers.py checks every one.
        from evenbetter.concerns.selectors import schools_with_live_concerns
        from evenbetter.indicators.figures_cache import records_holders_register

        records_holders_register(CONCERN_RECORDS, schools_with_live_concerns)
        school_records_tracked(CONCERN_RECORDS, Concern, "school_id")  # only the concern's school's glance
