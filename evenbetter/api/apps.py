from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "evenbetter.api"
    label = "api"
    verbose_name = "REST API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the extension tells drf-spectacular how our tokens are sent.
        from evenbetter.api import schema  # noqa: F401
