from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "evenbetter.ingest"
    label = "ingest"
    verbose_name = "Importers"

    def ready(self) -> None:
        # Importing the formats registers them.
        from evenbetter.ingest import formats  # noqa: F401
