"""Who sees risk, and the reads of the watch list and a school's own risk page.

DESIGN.md: a system lead sees every school's risk; a partnership lead its current member
schools'; a school leader their own school's, with the reasons (no decision about
schools without schools); a governor their own school's, read-only. No school ever sees
another school's risk, and partner agencies see none. Every read of a school's risk that
a person sees goes through ``risk_read`` (one school) or ``risk_reads_record`` (a list),
which write its line of the audit log, with the same details wherever it was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.accounts.services import audit_record
from evenbetter.earlywarning.apps import RISK_ANSWER_RECORDS
from evenbetter.earlywarning.models import RiskResponse, RiskRun, RiskScore, WatchDecision
from evenbetter.indicators.figures_cache import figures_cached, kept_beside, records_holders
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School


def risk_school_ids_visible_to(user: AnyUser) -> frozenset[int] | None:
    """The schools whose risk the user may see; None means every school."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return None
    return scope.full_school_ids | scope.governed_school_ids


def risk_visible_to(user: AnyUser) -> QuerySet[RiskScore]:
    ids = risk_school_ids_visible_to(user)
    scores = RiskScore.objects.select_related("school", "run")
    if ids is None:
        return scores
    return scores.filter(school_id__in=ids)


def riskiest_first(scores: QuerySet[RiskScore], user: AnyUser, *, narrowed: bool = False) -> QuerySet[RiskScore]:
    """One run's ``scores`` as ``user`` reads them, by rank (then id, for a stable page).

    Over every school (a system lead) the run's (run, rank) index hands a page over in order.
    Over a reader's few schools the (run, school) index finds them and the few are sorted: the
    rank is then ordered as an expression, so that SQLite's planner (which keeps no statistics
    here) does not walk the whole run in rank order looking for them (140 ms against 1 ms for
    a partnership lead at national scale). ``narrowed``: the scores are filtered to a group of
    schools (a locality, a partnership), as a few schools' are."""
    if risk_school_ids_visible_to(user) is None and not narrowed:
        return scores.order_by("rank", "pk")
    return scores.order_by(F("rank") + 0, "pk")


def can_see_watch_list(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_system_lead or scope.leads_a_group


def can_see_risk_of(user: AnyUser, school: School) -> bool:
    return school_access(user, school) in (SchoolAccess.FULL, SchoolAccess.GOVERNOR)


def can_respond_for(user: AnyUser, school: School) -> bool:
    """The school's own leaders answer for it."""
    return school.pk in scope_of(user).school_ids


def can_decide_about(user: AnyUser, school: School) -> bool:
    """The leads who hold the watch list record what they decided."""
    scope = scope_of(user)
    return scope.is_system_lead or school.pk in scope.led_group_school_ids


# The newest run, kept beside the figures' generation (``figures_cache.kept_beside``), which every
# run saved or deleted renews (``earlywarning.apps``, the run's post_save and post_delete).
CURRENT_RUN = "current-risk-run"


def newest_run() -> RiskRun | None:
    return RiskRun.objects.first()


def current_run() -> RiskRun | None:
    """The newest run: on a page, read with the generations (no query of its own) and worked out
    again only after the figures' generation is renewed; elsewhere read every time."""
    run: RiskRun | None = kept_beside(CURRENT_RUN)
    return run


def watch_list_scores(
    *, user: AnyUser, run: RiskRun | None = None, band: str = "", locality: str = "", partnership: str = ""
) -> QuerySet[RiskScore]:
    """The current run's scores the user may see, riskiest first, with responses and decisions
    (a queryset, so that a page of it can be read at national scale). ``band``, ``locality`` and
    ``partnership`` (slugs, already checked against what the user sees) narrow it; the rank
    stays the school's place in the whole run."""
    run = run or current_run()
    if not can_see_watch_list(user) or run is None:
        return RiskScore.objects.none()
    scores = risk_visible_to(user).filter(run=run)
    if band:
        scores = scores.filter(band=band)
    if locality:
        scores = scores.filter(school__localities__slug=locality)
    if partnership:
        scores = scores.filter(
            school__partnership_memberships__partnership__slug=partnership,
            school__partnership_memberships__left_on__isnull=True,
        )
    if locality or partnership:
        scores = scores.distinct()
    scores = scores.prefetch_related("school__risk_responses", "school__watch_decisions")
    return riskiest_first(scores, user, narrowed=bool(locality or partnership))


def watch_list(*, user: AnyUser, run: RiskRun | None = None) -> list[RiskScore]:
    return list(watch_list_scores(user=user, run=run))


def school_risk(*, user: AnyUser, school: School, run: RiskRun | None = None) -> RiskScore | None:
    """``run``: the current run, when the caller has read it already. The score alone is read:
    the school and the run are the caller's own (read again, joined, they would be a school's
    forty columns and the run's backtest made into objects on every view of a school page)."""
    if not can_see_risk_of(user, school):
        return None
    run = run or current_run()
    if run is None:
        return None
    score = risk_visible_to(user).select_related(None).filter(run=run, school=school).first()
    if score is not None:
        score.school, score.run = school, run
    return score


RISK_REFUSED = "A school's risk is seen by the school itself and the leads who see it in full."


def _risk_detail(score: RiskScore | None, via: str) -> dict[str, Any]:
    """The one shape of a risk view's audit detail: which score, what it said, where it was seen."""
    return {"score": score.pk if score else None, "risk": score.risk if score else None, "via": via}


def risk_read(
    *, request: HttpRequest, school: School, via: str, user: User | None = None, run: RiskRun | None = None
) -> RiskScore | None:
    """The school's latest score as the reader may see it (None before any run, or when the
    school has none), with the view written to the audit log: a view of the school's risk is
    audited whether or not it has a score. ``via`` says where it was seen ("risk page",
    "profile", "api"); ``user`` is for the API, whose token user the request may not carry.
    Refuses (PermissionDenied) a reader who may not see the school's risk: callers check
    ``can_see_risk_of`` first, to show a page's own refusal. ``run``: the current run, when
    the caller has read it already."""
    reader: AnyUser = user if user is not None else request.user
    if not can_see_risk_of(reader, school):
        raise PermissionDenied(RISK_REFUSED)
    score = school_risk(user=reader, school=school, run=run)
    audit_record(
        request=request, user=user, action=AuditEvent.Action.RISK_VIEW, school=school, detail=_risk_detail(score, via)
    )
    return score


def risk_reads_record(*, request: HttpRequest, user: User, scores: Iterable[RiskScore], via: str) -> int:
    """One RISK_VIEW line for each school whose score a list carries (the API's pages of
    scores), with the same details as ``risk_read``. The scores come from ``risk_visible_to``."""
    path = request.get_full_path()[:300]
    events = [
        AuditEvent(
            user=user,
            action=AuditEvent.Action.RISK_VIEW,
            school_id=score.school_id,
            detail=_risk_detail(score, via),
            path=path,
        )
        for score in scores
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def school_risk_history(*, user: AnyUser, school: School) -> QuerySet[RiskScore]:
    if not can_see_risk_of(user, school):
        return RiskScore.objects.none()
    return risk_visible_to(user).filter(school=school).order_by("-run__created_at")[:10]


def school_responses(*, user: AnyUser, school: School) -> QuerySet[RiskResponse]:
    if not can_see_risk_of(user, school):
        return RiskResponse.objects.none()
    if school.pk not in records_holders(RISK_ANSWER_RECORDS):
        return RiskResponse.objects.none()  # the school has answered no score: nothing to read
    return RiskResponse.objects.filter(school=school).select_related("author")


def schools_with_risk_responses() -> frozenset[int]:
    """The schools that answered any of their scores: a school outside them has no response to
    show to anyone (``figures_cache.records_holders``, kept until a response is written)."""
    return frozenset(RiskResponse.objects.values_list("school_id", flat=True).distinct())


def school_decisions(*, user: AnyUser, school: School) -> QuerySet[WatchDecision]:
    """The leads' decisions are shown to the school too: nothing about it is hidden from it."""
    if not can_see_risk_of(user, school):
        return WatchDecision.objects.none()
    return WatchDecision.objects.filter(school=school).select_related("decided_by")


RAISED_BANDS = (RiskScore.Band.HIGH, RiskScore.Band.RAISED)
ANSWERS_SHOWN = 5
ANSWERS_WITHIN_DAYS = 30


def previous_run(run: RiskRun) -> RiskRun | None:
    return RiskRun.objects.filter(created_at__lt=run.created_at).first()


def newly_on_watch_list(*, user: AnyUser, run: RiskRun | None = None) -> QuerySet[RiskScore]:
    """The scores of the current run, among those on the user's watch list, whose band is high or
    raised and was not in the run before (or that had no score then), riskiest first. Reading
    them is a view of risk: the caller records it (``risk_reads_record``)."""
    run = run or current_run()
    if not can_see_watch_list(user) or run is None:
        return RiskScore.objects.none()
    raised = risk_visible_to(user).filter(run=run, band__in=RAISED_BANDS)
    before = previous_run(run)
    if before is not None:
        raised = raised.exclude(
            school_id__in=RiskScore.objects.filter(run=before, band__in=RAISED_BANDS).values("school_id")
        )
    return raised.order_by("rank")


def newly_on_watch_list_ids(*, user: AnyUser) -> list[int]:
    """The ids of ``newly_on_watch_list``'s scores, riskiest first, kept in the figures cache:
    they change only with a new risk run, which renews the generation, and they are keyed by
    the schools whose risk the reader may see (a system lead's home page read and sorted the
    run's 24,000 scores for them on every visit)."""
    run = current_run()
    if run is None or not can_see_watch_list(user):
        return []
    ids = risk_school_ids_visible_to(user)
    return figures_cached(
        "newly-on-watch-list",
        lambda: list(newly_on_watch_list(user=user, run=run).values_list("pk", flat=True)),
        scope=(run.pk, None if ids is None else sorted(ids)),
    )


def recent_answers(*, user: AnyUser, today: dt.date | None = None) -> QuerySet[RiskResponse]:
    """What schools on the user's watch list said about their scores in the last 30 days, newest first."""
    if not can_see_watch_list(user):
        return RiskResponse.objects.none()
    since = (today or timezone.localdate()) - dt.timedelta(days=ANSWERS_WITHIN_DAYS)
    answers = RiskResponse.objects.filter(created_at__date__gte=since).select_related("school", "author")
    ids = risk_school_ids_visible_to(user)
    return answers if ids is None else answers.filter(school_id__in=ids)
