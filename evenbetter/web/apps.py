from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "evenbetter.web"
    label = "web"
    verbose_name = "Web pages"
