from django.apps import AppConfig


class GoalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.goals"
    verbose_name = "Goals and celebrations"

    def ready(self) -> None:
        # Importing the module adds the celebrations to the weekly practice digest.
        from evenbetter.goals import digest  # noqa: F401
