from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "evenbetter.ops"
    verbose_name = "Operations"
