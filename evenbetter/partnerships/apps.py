from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.partnerships"
    verbose_name = "Partnership life"

    def ready(self) -> None:
        # Importing the module registers partnership life as a computed indicator.
        from evenbetter.partnerships import indicators  # noqa: F401
