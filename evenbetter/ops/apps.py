from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def cache_table_create(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """The shared cache's table (CACHES, a database cache unless Redis is set), which no migration
    makes: made by every `migrate`, as `manage.py createcachetable` would; nothing if it is there."""
    call_command("createcachetable", database=using, verbosity=0)


class OpsConfig(AppConfig):
    name = "evenbetter.ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        post_migrate.connect(cache_table_create, sender=self)
