from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evenbetter.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # The audit log's receivers: sign-ins, sign-outs, lock-outs and membership changes.
        from evenbetter.accounts import signals  # noqa: F401
