"""The early warning as a job: the last step of the refresh (when settings say so) and the
termly scheduled run; both as `manage.py earlywarning score` does, alerts included."""

from __future__ import annotations

from django.conf import settings

from evenbetter.earlywarning.services import outcome_from_options, risk_run_create
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, register_kind, register_step


def risk_run_from_settings() -> None:
    outcome = outcome_from_options(kind=settings.EVENBETTER_RISK_OUTCOME, grade=settings.EVENBETTER_RISK_GRADE)
    risk_run_create(outcome=outcome)  # one transaction; the alerts go once it commits


@register_step
class RiskStep(RefreshStep):
    code = "risk"
    name = "early warning"
    order = 400

    def is_wanted(self) -> bool:
        return bool(settings.EVENBETTER_RISK_AFTER_IMPORT)

    def run(self) -> None:
        risk_run_from_settings()


@register_kind
class RiskRunJob(JobKind):
    code = "risk_run"
    name = "Early-warning run"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        progress(step="scoring every school")
        risk_run_from_settings()
