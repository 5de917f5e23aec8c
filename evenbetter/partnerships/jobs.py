"""Each school's contact summary kept for the school page: a step of the refresh after
imports, and a job each night (the summary is as at a day), which then asks for the school
pages' glances to be drawn ahead for the new day (``ops.jobs``)."""

from __future__ import annotations

from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, register_kind, register_step
from evenbetter.jobs.services import job_request
from evenbetter.ops.jobs import SCHOOL_PAGES
from evenbetter.partnerships.services import contact_summaries_keep


@register_step
class ContactSummariesStep(RefreshStep):
    code = "contact_summaries"
    name = "contact summaries"
    order = 250  # after the computed indicators (partnership life), before families and benchmarks

    def run(self) -> None:
        contact_summaries_keep()


@register_kind
class ContactSummariesJob(JobKind):
    code = "contact_summaries"
    name = "Contact summaries"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        progress(step="every school's contact summary")
        contact_summaries_keep()
        # The glance's words change with the day (overdue, days since): every glance kept
        # yesterday names yesterday, and is out of reach today until drawn again.
        job_request(SCHOOL_PAGES, reason="the day's contact summaries are kept")
