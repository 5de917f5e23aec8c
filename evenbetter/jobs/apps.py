from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "evenbetter.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # The jobs' own steps and kinds (data quality, computed indicators, the refresh, the
        # staleness check), then every installed app's ``jobs`` module, which registers its
        # steps and kinds on import (benchmarks, the early warning, the digest, the backup).
        from evenbetter.jobs import steps  # noqa: F401

        autodiscover_modules("jobs")
