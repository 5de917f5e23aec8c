from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.demo.services import DemoDataMissing, demo_build, demo_logins
from evenbetter.schools.models import School


class Command(BaseCommand):
    help = "Build the embedded demo: the real Hampshire and Surrey register, generated clusters and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Only build when the database has no schools")
        parser.add_argument(
            "--no-backtest",
            action="store_true",
            help="Score the watch list without backtesting the model first (quicker; the tests use it)",
        )

    def handle(self, *args: Any, if_empty: bool, no_backtest: bool = False, **options: Any) -> None:
        if if_empty and School.objects.exists():
            self.stdout.write("The database already holds schools: the demo was not rebuilt.")
        else:
            try:
                demo_build(with_backtest=not no_backtest)
            except DemoDataMissing as error:
                raise CommandError(str(error)) from None
            self.stdout.write(self.style.SUCCESS(f"Demo built: {School.objects.count()} schools from the register."))
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (password for every account: {settings.EVENBETTER_DEMO_PASSWORD}, "
            "unless EVENBETTER_DEMO_PASSWORD was different when the demo was built)"
        )
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role} — {login.scope}")
        self.stdout.write("")
