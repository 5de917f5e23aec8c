"""The weekly digest of new practice, as a job for the schedules."""

from __future__ import annotations

from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, register_kind
from evenbetter.practice.services import digest_send


@register_kind
class PracticeDigest(JobKind):
    code = "practice_digest"
    name = "Practice digest"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        result = digest_send()  # nobody gets two digests within a day, so a retry sends nothing twice
        progress(step=f"{result.sent} digests sent", done=result.sent, total=result.sent + result.skipped_nothing_new)
