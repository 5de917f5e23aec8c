from typing import Any

from django.apps import AppConfig

from evenbetter.indicators.figures_cache import records_changed, school_records_tracked

# The goals' generation (``indicators.figures_cache.records_generation``): the school page's
# glance of goals is kept until a goal is written.
GOAL_RECORDS = "goals"


def goal_records_changed(**kwargs: Any) -> None:
    """Goals were set, changed, withdrawn or deleted: what is kept of goals is out of date once
    that commits, for every school: called by a write without ``post_save`` (each row saved
    renews its own school's alone: ``school_records_tracked`` below)."""
    records_changed(GOAL_RECORDS)


class GoalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.goals"
    verbose_name = "Goals and celebrations"

    def ready(self) -> None:
        # Importing the module adds the celebrations to the weekly practice digest.
        from evenbetter.goals import digest  # noqa: F401
        from evenbetter.goals.models import Goal

        # Each row saved says so; a write without signals (a delete, an update or a bulk insert of
        # rows) calls it itself: tests/pages/test_glance_record_writers.py checks every one.
        from evenbetter.goals.selectors import schools_with_goals
        from evenbetter.indicators.figures_cache import records_holders_register

        records_holders_register(GOAL_RECORDS, schools_with_goals)
        # Only the goal's school's glance (a partnership's or a locality's goal is on none).
        school_records_tracked(GOAL_RECORDS, Goal, "school_id")
