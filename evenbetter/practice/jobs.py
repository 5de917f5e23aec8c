"""The weekly digest of new practice, as a job for the schedules; what the tries of
practice achieved, as a step of the refresh after imports."""

from __future__ import annotations

from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, register_kind, register_step
from evenbetter.practice.services import digest_send, measures_refresh


@register_kind
class PracticeDigest(JobKind):
    code = "practice_digest"
    name = "Practice digest"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        result = digest_send()  # nobody gets two digests within a day, so a retry sends nothing twice
        progress(step=f"{result.sent} digests sent", done=result.sent, total=result.sent + result.skipped_nothing_new)


@register_step
class PracticeMeasuresStep(RefreshStep):
    code = "practice_measures"
    name = "what practice achieved"
    order = 350  # after families and benchmarks (300): each try is measured against its family

    def run(self) -> None:
        measures_refresh()  # one transaction: every item's results, or none
