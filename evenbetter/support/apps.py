from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.support"
    verbose_name = "Reaching out"

    def ready(self) -> None:
        # Importing the module registers help under way as a note on the watch list.
        from evenbetter.indicators.figures_cache import records_holders_register
        from evenbetter.partnerships.models import Agency, AgencyLink
        from evenbetter.support import watchlist  # noqa: F401
        from evenbetter.support.impact import SUPPORT_RECORDS, support_records_changed
        from evenbetter.support.models import Engagement, HelpRequest, SupportEvent, SupportOffer, SupportReview
        from evenbetter.support.selectors import schools_with_help_under_way

        records_holders_register(SUPPORT_RECORDS, schools_with_help_under_way)
        # The system view of help (``impact.system_view``) and a request's suggestions
        # (``services.suggestions_kept``) are kept until these records change.
        for model in (HelpRequest, SupportEvent, Engagement, SupportReview, SupportOffer, Agency, AgencyLink):
            for signal in (post_save, post_delete):
                signal.connect(support_records_changed, sender=model, dispatch_uid=f"support-records-{model.__name__}")
