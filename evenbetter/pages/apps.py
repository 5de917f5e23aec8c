from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PagesConfig(AppConfig):
    name = "evenbetter.pages"
    label = "pages"
    verbose_name = "Pages composed from panels"

    def ready(self) -> None:
        # Every installed app's ``panels`` module registers its panels on import.
        autodiscover_modules("panels")
