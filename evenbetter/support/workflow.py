"""The steps of brokerage, from a request to a closed support, and who may take each.

::

    requested ──suggest──▶ suggested ──agree (both schools)──▶ agreed ──log──▶ in progress
        ▲                      │                                                  │
        └──────decline─────────┘                                   review (both schools)
                                                                                  ▼
    withdrawn ◀──withdraw── requested / suggested / agreed        closed ◀──close── reviewed

- **suggest**: a broker (a system lead, or the partnership lead of the school that asked)
  puts a school forward to help; its leaders then see the request and who asked.
- **decline**: the suggested school cannot help; the request goes back to the broker.
- **agree**: each school's leaders agree; whoever agrees first writes the objectives, the
  other agrees to them. When both have agreed the support is agreed.
- **log**: either school records a visit, call or meeting and the days it took; the first
  one starts the support (in progress).
- **review**: each school records what the support was worth; when both have, it is reviewed.
- **close**: the broker or the school that asked closes it; its impact is then measured.
- **withdraw**: the school that asked, or the broker, stops it before the work starts.

A step taken from a status it does not start from, or by someone who may not take it, is
refused with a message that says why, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import (
    OPEN,
    HelpRequestView,
    help_request_seen_by,
    help_requests_visible_to,
    is_broker_for,
)

Status = HelpRequest.Status

BROKER, REQUESTER, SUPPORTER = "broker", "requester", "supporter"
ROLE_WORDS = {
    BROKER: "a broker (a system lead or the school's partnership lead)",
    REQUESTER: "a leader of the school that asked",
    SUPPORTER: "a leader of the school suggested to help",
}


class StepRefused(Exception):
    """A step that may not be taken now, or by this person; the message says why."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_statuses: tuple[str, ...]
    who: tuple[str, ...]


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("suggest", "Suggest a school to help", (Status.REQUESTED,), (BROKER,)),
        Step("decline", "Decline to help", (Status.SUGGESTED,), (SUPPORTER, BROKER)),
        Step("agree", "Agree the support", (Status.SUGGESTED,), (REQUESTER, SUPPORTER)),
        Step("log", "Log time given", (Status.AGREED, Status.IN_PROGRESS), (REQUESTER, SUPPORTER)),
        Step("review", "Review the support", (Status.IN_PROGRESS,), (REQUESTER, SUPPORTER)),
        Step("close", "Close", (Status.REVIEWED,), (BROKER, REQUESTER)),
        Step("withdraw", "Withdraw", (Status.REQUESTED, Status.SUGGESTED, Status.AGREED), (REQUESTER, BROKER)),
    )
}


def roles_in(user: AnyUser, help_request: HelpRequest) -> set[str]:
    """The parts the user plays in this request: broker, requester, supporter (or none)."""
    roles: set[str] = set()
    if not user.is_authenticated:
        return roles
    scope = scope_of(user)
    if is_broker_for(user, help_request.school):
        roles.add(BROKER)
    if help_request.school_id in scope.school_ids:
        roles.add(REQUESTER)
    if help_request.supporter_id is not None and help_request.supporter_id in scope.school_ids:
        roles.add(SUPPORTER)
    return roles


def check(step_name: str, user: AnyUser, help_request: HelpRequest) -> set[str]:
    """The roles the user takes the step in; StepRefused when the step may not be taken."""
    step = STEPS.get(step_name)
    if step is None:
        raise StepRefused(f'There is no step "{step_name}".')
    if help_request.status not in step.from_statuses:
        starts = " or ".join(Status(s).label.lower() for s in step.from_statuses)
        raise StepRefused(
            f'"{step.label}" is for a request that is {starts}; this one is {help_request.get_status_display().lower()}.'
        )
    roles = roles_in(user, help_request) & set(step.who)
    if not roles:
        raise StepRefused(f'"{step.label}" is taken by {" or ".join(ROLE_WORDS[w] for w in step.who)}.')
    if step.name in ("agree", "review"):
        done = _sides_done(step.name, help_request)
        if not roles - done:
            raise StepRefused(
                f"Your school has already {'agreed' if step.name == 'agree' else 'reviewed the support'}; "
                "it waits for the other school."
            )
        roles -= done
    return roles


def _sides_done(step_name: str, help_request: HelpRequest) -> set[str]:
    """The schools that have already agreed (or reviewed): each does so once."""
    if step_name == "agree":
        return {
            side
            for side, at in (
                (REQUESTER, help_request.requester_agreed_at),
                (SUPPORTER, help_request.supporter_agreed_at),
            )
            if at is not None
        }
    return set(help_request.reviews.values_list("side", flat=True))


def steps_open_to(user: AnyUser, help_request: HelpRequest) -> list[str]:
    """The steps the user may take now, in the order of the workflow."""
    allowed = []
    for name in STEPS:
        try:
            check(name, user, help_request)
        except StepRefused:
            continue
        allowed.append(name)
    return allowed


# The steps that wait for someone: withdrawing and declining are choices, never a to-do, and
# logging time waits only to start the work (once it is under way it is logged as it happens).
WAITING_STEPS = ("suggest", "agree", "log", "review", "close")
WAITING_LIMIT = 10


@dataclass(frozen=True)
class Waiting:
    """A help request with the steps that wait for this reader, as the reader may see it."""

    seen: HelpRequestView
    steps: list[Step]


def help_requests_waiting_for(user: AnyUser, *, limit: int = WAITING_LIMIT) -> tuple[list[Waiting], int]:
    """The open requests with a step that waits for the user (oldest first, at most ``limit``),
    and how many there are in all."""
    scope = scope_of(user)
    involved = Q(school_id__in=scope.school_ids) | Q(supporter_id__in=scope.school_ids)
    if scope.is_system_lead:
        involved = Q()
    elif scope.led_group_school_ids:
        involved |= Q(school_id__in=scope.led_group_school_ids)
    candidates = (
        help_requests_visible_to(user)
        .filter(involved, status__in=OPEN)
        .select_related("supporter")
        .order_by("created_at", "pk")
    )
    waiting: list[Waiting] = []
    total = 0
    for help_request in candidates:
        steps = [
            STEPS[name]
            for name in steps_open_to(user, help_request)
            if name in WAITING_STEPS and (name != "log" or help_request.status == Status.AGREED)
        ]
        if steps:
            total += 1
            if len(waiting) < limit:
                waiting.append(Waiting(help_request_seen_by(user, help_request), steps))
    return waiting, total
