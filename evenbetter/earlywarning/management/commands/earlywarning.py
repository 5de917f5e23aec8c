"""``manage.py earlywarning backtest|score --outcome …``: validate and run the early warning."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.analytics.risk.backtest import backtest
from evenbetter.earlywarning.frames import load_data
from evenbetter.earlywarning.services import outcome_from_options, risk_run_create


class Command(BaseCommand):
    help = (
        "Backtest the early-warning model (rolling: train on years before t, test on t, beside baselines), "
        "or score every school and keep the run for the watch list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["backtest", "score"])
        parser.add_argument(
            "--outcome",
            required=True,
            choices=["inspection_below", "indicator_fall"],
            help="inspection_below: the next inspection is worse than --grade; "
            "indicator_fall: --indicator gets worse by at least --fall by the next period",
        )
        parser.add_argument("--grade", type=int, default=2, help="for inspection_below: 2 means below Good")
        parser.add_argument("--indicator", default="", help="for indicator_fall: the indicator's code")
        parser.add_argument("--fall", type=float, default=0.0, help="for indicator_fall: the fall that counts")
        parser.add_argument("--as-of", default=None, help="score: the academic year to score (default: the latest)")
        parser.add_argument("--seed", type=int, default=0, help="random state: the same seed gives the same scores")
        parser.add_argument("--no-alerts", action="store_true", help="score: send no alert e-mails")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = outcome_from_options(
                kind=options["outcome"], grade=options["grade"], indicator=options["indicator"], fall=options["fall"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.perf_counter()
        if options["action"] == "backtest":
            data = load_data()
            try:
                result = backtest(data.risk, outcome, random_state=options["seed"])
            except ValueError as error:
                raise CommandError(f"The backtest cannot run: {error}") from None
            self.stdout.write(f"Outcome: {outcome.describe()}")
            self.stdout.write(result.report())
            self.stdout.write(f"({time.perf_counter() - started:.1f} s)")
            return
        try:
            run = risk_run_create(
                outcome=outcome, as_of=options["as_of"], random_state=options["seed"], alert=not options["no_alerts"]
            )
        except ValueError as error:
            raise CommandError(f"The early warning cannot run: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Early warning as at {run.as_of}: {run.schools_scored:,} schools scored with the {run.model_kind} model, "
                f"trained on {run.training_examples:,} examples ({run.training_positives:,} declined); "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
