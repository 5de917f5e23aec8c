from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "evenbetter.demo"
    label = "demo"
    verbose_name = "Embedded demo"
