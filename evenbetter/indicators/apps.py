from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "evenbetter.indicators"
    label = "indicators"
    verbose_name = "Indicators and imports"

    def ready(self) -> None:
        # Importing the module registers data quality as a computed indicator.
        from evenbetter.indicators import quality  # noqa: F401
