from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "evenbetter.schools"
    label = "schools"
    verbose_name = "Schools, localities and partnerships"
