from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccountsConfig(AppConfig):
    name = "evenbetter.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # The audit log's receivers: sign-ins, sign-outs, lock-outs and membership changes.
        from evenbetter.accounts import signals  # noqa: F401

        # Each app declares the tables it exports in its exports.py: load them all into
        # accounts.exports.EXPORTS (one registry, every export audited there).
        autodiscover_modules("exports")
