from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evenbetter.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
