from django.apps import AppConfig


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.support"
    verbose_name = "Reaching out"

    def ready(self) -> None:
        # Importing the module registers help under way as a note on the watch list.
        from evenbetter.support import watchlist  # noqa: F401
