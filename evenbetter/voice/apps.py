from django.apps import AppConfig


class VoiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.voice"
    verbose_name = "Pulse surveys"

    def ready(self) -> None:
        # Importing the module registers the pulse surveys' results as a computed indicator.
        from evenbetter.voice import indicators  # noqa: F401
