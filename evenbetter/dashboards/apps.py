from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "evenbetter.dashboards"
    verbose_name = "Outcome dashboards"
