from typing import Any

from django.apps import AppConfig

from evenbetter.indicators.figures_cache import records_changed, school_records_tracked

# The actions' generation (``indicators.figures_cache.records_generation``): the school page's
# glance of partnership life is kept until an action is written.
ACTION_RECORDS = "actions"


def action_records_changed(**kwargs: Any) -> None:
    """An action was agreed, updated, given, done or deleted: what is kept of actions is out of
    date once that commits, for every school: called by a write without ``post_save`` (each row saved
    renews its own school's alone: ``school_records_tracked`` below)."""
    records_changed(ACTION_RECORDS)


class PartnershipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.partnerships"
    verbose_name = "Partnership life"

    def ready(self) -> None:
        # Importing the module registers partnership life as a computed indicator.
        from evenbetter.partnerships import indicators  # noqa: F401
        from evenbetter.partnerships.models import Action
        from evenbetter.partnerships.services import contact_summaries_dropped
        from evenbetter.schools.signals import partnership_members_changed

        # The register (below this app) says which schools joined or left a trust or federation.
        partnership_members_changed.connect(
            contact_summaries_dropped, dispatch_uid="evenbetter.partnerships.contact_summaries_dropped"
        )
        # Each row saved says so; a write without signals (a delete, an update or a bulk insert of
        # rows) calls it itself: tests/pages/test_glance_record_writers.py checks every one.
        from evenbetter.indicators.figures_cache import records_holders_register
        from evenbetter.partnerships.selectors import schools_with_open_actions

        records_holders_register(ACTION_RECORDS, schools_with_open_actions)
        school_records_tracked(ACTION_RECORDS, Action, "owner_school_id")  # only its owner school's glance
