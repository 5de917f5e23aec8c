from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.concerns"
    verbose_name = "Collective concerns"

    def ready(self) -> None:
        # Importing these registers the concerns indicator, the school and home panels, and
        # the watch list's note.
        from evenbetter.concerns import indicators, panels, watchlist  # noqa: F401
