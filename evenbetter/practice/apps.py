from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "evenbetter.practice"
    verbose_name = "Practice library"
