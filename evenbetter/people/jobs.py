"""The invitation's e-mail, sent by a worker."""

from __future__ import annotations

from evenbetter.accounts.services import invitation_mail_send
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, register_kind
from evenbetter.people.services import INVITATION_MAIL


@register_kind
class InvitationMail(JobKind):
    code = INVITATION_MAIL
    name = "Invitation e-mail"

    def run(self, job: Job, progress: Progress) -> None:
        # Made at sending from the invitation's state: a retry sends the same, still-valid link,
        # and an invitation withdrawn or accepted meanwhile sends nothing.
        sent = invitation_mail_send(invitation_id=int(job.options["invitation"]), site_url=str(job.options["site_url"]))
        progress(step="sent" if sent else "not sent: the invitation is no longer waiting", done=int(sent), total=1)
