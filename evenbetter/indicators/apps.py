from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "evenbetter.indicators"
    label = "indicators"
    verbose_name = "Indicators and imports"
