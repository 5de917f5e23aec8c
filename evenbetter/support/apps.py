from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.support"
    verbose_name = "Reaching out"

    def ready(self) -> None:
        # Importing the module registers help under way as a note on the watch list.
        from evenbetter.support import watchlist  # noqa: F401
        from evenbetter.support.impact import support_records_changed
        from evenbetter.support.models import Engagement, HelpRequest, SupportEvent

        # The system view of help is kept until these records change (``impact.system_view``).
        for model in (HelpRequest, SupportEvent, Engagement):
            for signal in (post_save, post_delete):
                signal.connect(support_records_changed, sender=model, dispatch_uid=f"support-records-{model.__name__}")
