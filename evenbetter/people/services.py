"""Invitations as the web sends them: the accounts app's write, then its e-mail queued as a job
(accounts stands below the jobs, so the queuing is done here)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.accounts.models import Invitation, User
from evenbetter.accounts.services import invitation_create, invitation_resend
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_request

INVITATION_MAIL = "invitation_mail"


def invitation_mail_queue(*, invitation: Invitation, site_url: str) -> Job:
    """Queue the e-mail of the invitation's current link; ``site_url`` starts the link."""
    return job_request(
        INVITATION_MAIL,
        reason=f"invitation #{invitation.pk} ({invitation.get_role_display().lower()})",
        options={"invitation": invitation.pk, "site_url": site_url},
    )


def invitation_send(*, by: User, request: HttpRequest, **invited: Any) -> Invitation:
    invitation = invitation_create(by=by, request=request, **invited)
    invitation_mail_queue(invitation=invitation, site_url=request.build_absolute_uri("/"))
    return invitation


def invitation_send_again(*, by: User, invitation: Invitation, request: HttpRequest) -> Invitation:
    invitation = invitation_resend(by=by, invitation=invitation, request=request)
    invitation_mail_queue(invitation=invitation, site_url=request.build_absolute_uri("/"))
    return invitation
