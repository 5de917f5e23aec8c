"""Helpers for the invitation tests: the mail a job sends, and the link in it."""

from __future__ import annotations

import re

from django.core import mail

from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_execute
from evenbetter.people.services import INVITATION_MAIL


def mailed_link(to: str) -> str:
    """Run the queued invitation e-mails, as a worker would, and return the path of the
    latest link sent to ``to``."""
    for job in Job.objects.filter(kind=INVITATION_MAIL, status=Job.Status.QUEUED):
        assert job_execute(job.pk) == Job.Status.SUCCEEDED
    sent = [message for message in mail.outbox if to in message.to]
    assert sent, f"no invitation was mailed to {to}"
    found = re.search(r"https?://[^/\s]+(/invitations/\S+/)", sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)
