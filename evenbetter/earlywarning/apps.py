from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.earlywarning"
    verbose_name = "Early warning"
