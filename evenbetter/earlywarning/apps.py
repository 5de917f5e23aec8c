from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save

from evenbetter.indicators.figures_cache import records_changed

# The generation of what is said about a score (``indicators.figures_cache.records_generation``):
# the schools' responses and the leads' decisions, which the watch list's kept rows show.
RISK_ANSWER_RECORDS = "risk_answers"


def risk_answer_records_changed(**kwargs: Any) -> None:
    """A school answered its score or a lead recorded a decision: what is kept of them is out of
    date once that commits (connected below to every row saved; a write without that signal
    calls it itself: tests/pages/test_glance_record_writers.py checks every one)."""
    records_changed(RISK_ANSWER_RECORDS)


class EarlyWarningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.earlywarning"
    verbose_name = "Early warning"

    def ready(self) -> None:
        from evenbetter.earlywarning.models import RiskResponse, WatchDecision

        post_save.connect(risk_answer_records_changed, sender=RiskResponse, dispatch_uid="risk-response-records")
        post_save.connect(risk_answer_records_changed, sender=WatchDecision, dispatch_uid="watch-decision-records")
