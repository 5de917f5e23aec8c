from django.apps import AppConfig


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.support"
    verbose_name = "Reaching out"
