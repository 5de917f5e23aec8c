"""Raising, answering, withdrawing and closing a concern: each one write and one audit line."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.accounts.services import audit_record
from evenbetter.concerns import selectors
from evenbetter.concerns.models import Concern
from evenbetter.schools.models import School
from evenbetter.vocabulary.concerns import AREA_NAMES


class Refused(Exception):
    """Nothing was changed: the message says why."""


def _per_day() -> int:
    return int(settings.EVENBETTER_CONCERNS_PER_DAY)


@transaction.atomic
def concern_raise(
    *,
    request: HttpRequest | None,
    by: User,
    school: School,
    area: str,
    text: str,
    raised_as: str = "",
    name_shown_to_school: bool = False,
) -> Concern:
    if not selectors.may_raise_about(by, school):
        raise Refused(f"You do not work with {school.name}, so you cannot raise a concern about it.")
    if area not in AREA_NAMES:
        raise Refused(f"'{area}' is not one of the areas a concern can be about.")
    text = text.strip()
    if not text:
        raise Refused("Say in a few words what concerns you.")
    limit = _per_day()
    if selectors.raised_lately_by(by) >= limit:
        raise Refused(
            f"You have raised {limit} concerns in the last 24 hours, the most the platform takes from one "
            "person in a day. Please talk to your locality or system lead."
        )
    if Concern.objects.filter(raised_by=by, school=school, area=area, status__in=selectors.LIVE).exists():
        raise Refused(
            f"You already have a concern about {school.name} under “{AREA_NAMES[area]}” waiting or answered. "
            "Withdraw it before raising another."
        )
    concern = Concern.objects.create(
        school=school,
        area=area,
        text=text,
        raised_by=by,
        raised_as=raised_as[:250],
        name_shown_to_school=name_shown_to_school,
    )
    audit_record(
        request=request,
        user=by,
        action=AuditEvent.Action.CONCERN_RAISED,
        school=school,
        detail={"concern": concern.pk, "area": area, "name_shown_to_school": name_shown_to_school},
    )
    return concern


@transaction.atomic
def concern_answer(*, request: HttpRequest | None, by: User, concern: Concern, answer: str) -> Concern:
    if not selectors.may_answer(by, concern):
        raise Refused("Only the school's own leaders answer a concern about it, while it is open.")
    answer = answer.strip()
    if not answer:
        raise Refused("Write the school's answer.")
    concern.answer, concern.answered_by, concern.answered_at = answer, by, timezone.now()
    concern.status = Concern.Status.ANSWERED
    concern.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    audit_record(
        request=request, user=by, action=AuditEvent.Action.CONCERN_ANSWERED, school=concern.school,
        detail={"concern": concern.pk},
    )  # fmt: skip
    return concern


@transaction.atomic
def concern_withdraw(*, request: HttpRequest | None, by: User, concern: Concern) -> Concern:
    if not selectors.may_withdraw(by, concern):
        raise Refused("Only whoever raised a concern withdraws it, while it is open or answered.")
    concern.status = Concern.Status.WITHDRAWN
    concern.save(update_fields=["status"])
    audit_record(
        request=request, user=by, action=AuditEvent.Action.CONCERN_WITHDRAWN, school=concern.school,
        detail={"concern": concern.pk},
    )  # fmt: skip
    return concern


@transaction.atomic
def concern_close(*, request: HttpRequest | None, by: User, concern: Concern, note: str) -> Concern:
    if not selectors.may_close(by, concern):
        raise Refused("A concern is closed by the leads who hold the school's watch list, while it is live.")
    note = note.strip()
    if not note:
        raise Refused("Say why the concern is closed (dealt with, or not a fair concern).")
    concern.status, concern.closed_note, concern.closed_by, concern.closed_at = (
        Concern.Status.CLOSED, note, by, timezone.now(),
    )  # fmt: skip
    concern.save(update_fields=["status", "closed_note", "closed_by", "closed_at"])
    audit_record(
        request=request, user=by, action=AuditEvent.Action.CONCERN_CLOSED, school=concern.school,
        detail={"concern": concern.pk},
    )  # fmt: skip
    return concern
