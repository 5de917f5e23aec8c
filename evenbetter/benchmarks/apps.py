from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.benchmarks"
    verbose_name = "Families and benchmarks"
