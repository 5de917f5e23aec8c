from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from evenbetter.indicators.figures_cache import figures_changed, records_changed

# The generation of what is said about a score (``indicators.figures_cache.records_generation``):
# the schools' responses and the leads' decisions, which the watch list's kept rows show.
RISK_ANSWER_RECORDS = "risk_answers"


def risk_answer_records_changed(**kwargs: Any) -> None:
    """A school answered its score or a lead recorded a decision: what is kept of them is out of
    date once that commits (connected below to every row saved; a write without that signal
    calls it itself: tests/pages/test_glance_record_writers.py checks every one)."""
    records_changed(RISK_ANSWER_RECORDS)


def risk_runs_changed(**kwargs: Any) -> None:
    """A run was saved or deleted: the newest run kept beside the figures' generation
    (``selectors.current_run``), the watch list and the dashboards' bands are out of date once
    that commits. Every writer of a row (``risk_run_create``, a command, a test's run) renews it
    through these signals; a write without them calls ``figures_changed`` itself
    (tests/pages/test_glance_record_writers.py checks every one)."""
    figures_changed()


class EarlyWarningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.earlywarning"
    verbose_name = "Early warning"

    def ready(self) -> None:
        from evenbetter.earlywarning.models import RiskResponse, RiskRun, WatchDecision
        from evenbetter.earlywarning.selectors import CURRENT_RUN, newest_run, schools_with_risk_responses
        from evenbetter.indicators.figures_cache import FIGURES, kept_beside_register, records_holders_register

        post_save.connect(risk_answer_records_changed, sender=RiskResponse, dispatch_uid="risk-response-records")
        post_save.connect(risk_answer_records_changed, sender=WatchDecision, dispatch_uid="watch-decision-records")
        post_save.connect(risk_runs_changed, sender=RiskRun, dispatch_uid="risk-run-saved")
        post_delete.connect(risk_runs_changed, sender=RiskRun, dispatch_uid="risk-run-deleted")
        kept_beside_register(CURRENT_RUN, newest_run, after=(FIGURES,))
        records_holders_register(RISK_ANSWER_RECORDS, schools_with_risk_responses)
