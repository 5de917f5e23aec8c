"""Writes of reaching out (asking, offering, every step of brokerage, with an e-mail to
the people involved at each), and the candidate supporters a request is matched against."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import Role, User
from evenbetter.analytics.matching import MatchResult, MatchSettings, match_supporters
from evenbetter.analytics.strengths import years_in_quarter
from evenbetter.benchmarks.models import Benchmark, FamilyMember
from evenbetter.benchmarks.selectors import strong_in_area
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.indicators.figures_cache import figures_cached
from evenbetter.schools.models import PartnershipMembership, School
from evenbetter.support.models import (
    Engagement,
    HelpRequest,
    SupportEvent,
    SupportOffer,
    SupportReview,
)
from evenbetter.support.workflow import REQUESTER, SUPPORTER, StepRefused, check
from evenbetter.vocabulary.areas import AREA_INDICATORS

Status = HelpRequest.Status
# A support is under way (it takes the supporter's attention) in these statuses.
ACTIVE = (Status.AGREED, Status.IN_PROGRESS)
GIVEN = (Status.REVIEWED, Status.CLOSED)


def help_request_create(
    *,
    school: School,
    created_by: User,
    area: str,
    title: str,
    description: str,
    urgency: str,
    kind: str,
    visibility: str,
    on_behalf: bool,
) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school,
        created_by=created_by,
        area=area,
        title=title.strip(),
        description=description.strip(),
        urgency=urgency,
        kind=kind,
        visibility=visibility,
        on_behalf=on_behalf,
        school_agreed=True,
    )


def support_offer_create(
    *, school: School, created_by: User, area: str, description: str, days_per_term: float
) -> SupportOffer:
    return SupportOffer.objects.create(
        school=school, created_by=created_by, area=area, description=description.strip(), days_per_term=days_per_term
    )


def candidates_for(request: HelpRequest) -> pd.DataFrame:
    """Every open school as a possible supporter, with what matching reads.

    Strength, the score matching ranks by: the mean family percentile over the area's
    published indicators in each school's latest period. Whether a school is *strong in
    the area*, and the words that say why, come from the one rule
    (``benchmarks.selectors.strong_in_area``). A school in the current run's high band
    counts as on the watch list (the early warning is not yet per area: the note on
    issue 7 says so).
    """
    schools = pd.DataFrame.from_records(
        School.objects.exclude(status=School.Status.CLOSED).values_list("pk", "name", "phase", "latitude", "longitude"),
        columns=["school_id", "name", "phase", "latitude", "longitude"],
    )
    # Every school's strength in the area, from the benchmarks of all England: the same for
    # every request in the area (and for everyone who may see suggestions), so kept in the
    # figures cache until the benchmarks change.
    strength, evidence = figures_cached(
        "support-area-strength", lambda: _area_strength(request.area), scope=request.area
    )
    schools["strength_percentile"] = schools["school_id"].map(strength).astype(float)
    schools["strong_in_area"] = schools["school_id"].isin(evidence)
    schools["strength_evidence"] = [evidence.get(int(s), "") for s in schools["school_id"]]
    distances = dict(FamilyMember.objects.filter(school=request.school).values_list("member_id", "distance"))
    schools["context_distance"] = schools["school_id"].map(distances)
    offered: dict[int, float] = {}
    for school_id, days in SupportOffer.objects.filter(area=request.area, active=True).values_list(
        "school_id", "days_per_term"
    ):
        offered[school_id] = offered.get(school_id, 0.0) + float(days)
    # Time offered this term, less the days already given this term (in any area).
    given = dict(
        Engagement.objects.filter(on__gte=term_start(timezone.localdate()), help_request__supporter__isnull=False)
        .values("help_request__supporter_id")
        .annotate(days=Sum("days"))
        .values_list("help_request__supporter_id", "days")
    )
    schools["capacity_days_left"] = [
        max(offered[s] - float(given.get(s, 0)), 0.0) if s in offered else np.nan for s in schools["school_id"]
    ]
    record = list(  # read once, for the three columns below
        HelpRequest.objects.filter(supporter__isnull=False)
        .values("supporter_id")
        .annotate(
            current=Count("pk", filter=Q(status__in=ACTIVE), distinct=True),
            past=Count("pk", filter=Q(status__in=GIVEN), distinct=True),
            benefit=Avg("reviews__benefit", filter=Q(status__in=GIVEN, reviews__side=SupportReview.Side.REQUESTER)),
        )
    )
    current = {row["supporter_id"]: row["current"] for row in record}
    past = {row["supporter_id"]: row["past"] for row in record}
    # Felt benefit 1..5, as the schools helped rated it, read as 0..1.
    benefit = {row["supporter_id"]: (row["benefit"] - 1) / 4 for row in record if row["benefit"] is not None}
    schools["current_supports"] = schools["school_id"].map(current).fillna(0).astype(int)
    schools["past_supports"] = schools["school_id"].map(past).fillna(0).astype(int)
    schools["past_benefit"] = schools["school_id"].map(benefit).astype(float)
    run = RiskRun.objects.first()
    high = (
        set(RiskScore.objects.filter(run=run, band=RiskScore.Band.HIGH).values_list("school_id", flat=True))
        if run
        else set()
    )
    schools["on_watch_list_for_area"] = schools["school_id"].isin(high)
    return schools


def _area_strength(area: str) -> tuple[dict[int, float], dict[int, str]]:
    """Each school's strength in the area (its mean family percentile over the area's
    indicators, latest period of each) and, for the schools strong in it, the words of their
    strongest evidence."""
    codes = AREA_INDICATORS.get(area, ())
    rows = pd.DataFrame.from_records(
        Benchmark.objects.filter(indicator__code__in=codes, family_percentile__isnull=False).values_list(
            "school_id", "indicator_id", "period_start", "family_percentile"
        ),
        columns=["school_id", "indicator_id", "period_start", "family_percentile"],
    )
    strength: dict[int, float] = {}
    if not rows.empty:
        rows = rows.sort_values("period_start")
        latest = rows.groupby(["school_id", "indicator_id"]).tail(1).groupby("school_id")["family_percentile"].mean()
        strength = {int(str(school)): float(value) for school, value in latest.items()}
    strong = strong_in_area(area=area).drop_duplicates("school_id")  # its strongest evidence
    evidence = {
        int(str(row["school_id"])): f"{years_in_quarter(row)} in {str(row['indicator_name']).lower()}"
        for row in strong.to_dict("records")
    }
    return strength, evidence


def suggestions_for(request: HelpRequest, *, top: int = 10) -> MatchResult:
    school = request.school
    need = {
        "school_id": school.pk,
        "phase": school.phase,
        "latitude": school.latitude if school.latitude is not None else np.nan,
        "longitude": school.longitude if school.longitude is not None else np.nan,
        "area": request.get_area_display(),
    }
    return match_supporters(need, candidates_for(request), settings=MatchSettings(top=top))


def term_start(day: dt.date) -> dt.date:
    """The first day of the school term a day falls in: autumn from 1 September, spring
    from 1 January, summer from 1 April (offers are made in days a term)."""
    if day.month >= 9:
        return dt.date(day.year, 9, 1)
    if day.month >= 4:
        return dt.date(day.year, 4, 1)
    return dt.date(day.year, 1, 1)


# --- Brokerage: each step checks who may take it now, writes, records, tells. ---------------


def _locked(help_request: HelpRequest) -> HelpRequest:
    """The request re-read under a row lock, so two people taking steps at once queue."""
    # Only the request's own row: PostgreSQL cannot lock the nullable side of the outer join to
    # its supporter (a server error at every step, before).
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("school", "supporter")
        .get(pk=help_request.pk)
    )


def _record(help_request: HelpRequest, *, step: str, from_status: str, by: User, note: str = "") -> None:
    SupportEvent.objects.create(
        help_request=help_request, step=step, from_status=from_status, to_status=help_request.status, by=by, note=note
    )
    transaction.on_commit(lambda: support_step_notify(help_request=help_request, step=step, actor=by, note=note))


def _match(help_request: HelpRequest, supporter: School | None) -> None:
    """Put a school forward (or none, after a decline): any earlier agreement is void."""
    help_request.supporter = supporter
    help_request.suggested_at = timezone.now() if supporter else None
    help_request.requester_agreed_at = help_request.supporter_agreed_at = None
    help_request.objectives = ""


def help_request_suggest(*, help_request: HelpRequest, by: User, supporter: School, note: str = "") -> HelpRequest:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("suggest", by, help_request)
        if supporter.pk == help_request.school_id:
            raise StepRefused("A school cannot be suggested to help itself.")
        if supporter.status == School.Status.CLOSED:
            raise StepRefused(f"{supporter.name} is closed.")
        before = help_request.status
        _match(help_request, supporter)
        help_request.status = Status.SUGGESTED
        help_request.save()
        _record(help_request, step="suggest", from_status=before, by=by, note=note or f"Suggested {supporter.name}.")
    return help_request


def help_request_decline(*, help_request: HelpRequest, by: User, note: str) -> HelpRequest:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("decline", by, help_request)
        before, declined = help_request.status, help_request.supporter
        _match(help_request, None)
        help_request.status = Status.REQUESTED
        help_request.save()
        _record(
            help_request, step="decline", from_status=before, by=by, note=f"{declined.name if declined else ''}: {note}"
        )
    return help_request


def help_request_agree(*, help_request: HelpRequest, by: User, objectives: str = "") -> HelpRequest:
    """One school's agreement; the first to agree writes the objectives, the other agrees to them."""
    with transaction.atomic():
        help_request = _locked(help_request)
        roles = check("agree", by, help_request)
        if not help_request.objectives.strip():
            if not objectives.strip():
                raise StepRefused("Write the objectives the two schools will work towards (one a line).")
            help_request.objectives = objectives.strip()
        now = timezone.now()
        if REQUESTER in roles:
            help_request.requester_agreed_at = now
        if SUPPORTER in roles:
            help_request.supporter_agreed_at = now
        before = help_request.status
        if help_request.requester_agreed_at and help_request.supporter_agreed_at:
            help_request.status = Status.AGREED
            help_request.agreed_at = now
        help_request.save()
        _record(help_request, step="agree", from_status=before, by=by)
    return help_request


def engagement_log(
    *, help_request: HelpRequest, by: User, on: dt.date, kind: str, days: Decimal, notes: str = ""
) -> Engagement:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("log", by, help_request)
        if on > timezone.localdate():
            raise StepRefused("Log time once it has been given: the date is in the future.")
        if on < help_request.created_at.date():
            raise StepRefused("The date is before the school asked for help.")
        engagement = Engagement.objects.create(
            help_request=help_request, on=on, kind=kind, days=days, notes=notes.strip(), created_by=by
        )
        before = help_request.status
        help_request.status = Status.IN_PROGRESS
        help_request.save(update_fields=["status"])
        _record(
            help_request,
            step="log",
            from_status=before,
            by=by,
            note=f"{engagement.get_kind_display()} on {on:%d %B %Y}: {days} days.",
        )
    return engagement


def review_record(
    *, help_request: HelpRequest, by: User, benefit: int, objectives_met: str, what_changed: str
) -> SupportReview:
    with transaction.atomic():
        help_request = _locked(help_request)
        roles = check("review", by, help_request)
        side = REQUESTER if REQUESTER in roles else SUPPORTER
        review = SupportReview.objects.create(
            help_request=help_request,
            side=side,
            benefit=benefit,
            objectives_met=objectives_met,
            what_changed=what_changed.strip(),
            created_by=by,
        )
        before = help_request.status
        if help_request.reviews.count() == 2:
            help_request.status = Status.REVIEWED
            help_request.save(update_fields=["status"])
        _record(help_request, step="review", from_status=before, by=by)
    return review


def help_request_close(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("close", by, help_request)
        before = help_request.status
        help_request.status = Status.CLOSED
        help_request.closed_at = timezone.now()
        help_request.save(update_fields=["status", "closed_at"])
        _record(help_request, step="close", from_status=before, by=by, note=note)
    return help_request


def help_request_withdraw(*, help_request: HelpRequest, by: User, note: str = "") -> HelpRequest:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("withdraw", by, help_request)
        before = help_request.status
        help_request.status = Status.WITHDRAWN
        help_request.closed_at = timezone.now()
        help_request.save(update_fields=["status", "closed_at"])
        _record(help_request, step="withdraw", from_status=before, by=by, note=note)
    return help_request


STEP_WORDS = {
    "suggest": "a school has been suggested to help",
    "decline": "the school suggested cannot help; the broker will look again",
    "agree": "a school has agreed the support",
    "log": "time given has been logged",
    "review": "a school has reviewed the support",
    "close": "the support is closed; its impact will be measured",
    "withdraw": "the request has been withdrawn",
}


def people_involved(help_request: HelpRequest) -> list[User]:
    """The leaders of the school that asked and of the supporter, and the brokers: the
    school's partnership leads, or the system leads where it has none."""
    schools = [help_request.school_id] + ([help_request.supporter_id] if help_request.supporter_id else [])
    leaders = User.objects.filter(memberships__role=Role.SCHOOL_LEADER, memberships__school_id__in=schools)
    partnerships = PartnershipMembership.objects.filter(
        school_id=help_request.school_id, left_on__isnull=True
    ).values_list("partnership_id", flat=True)
    brokers = User.objects.filter(memberships__role=Role.PARTNERSHIP_LEAD, memberships__partnership_id__in=partnerships)
    if not brokers.exists():
        brokers = User.objects.filter(memberships__role=Role.SYSTEM_LEAD)
    return list((leaders | brokers).filter(is_active=True).exclude(email="").distinct().order_by("pk"))


def support_step_notify(*, help_request: HelpRequest, step: str, actor: User, note: str = "") -> int:
    """E-mail everyone involved but the person who took the step; the number e-mailed."""
    recipients = sorted({u.email for u in people_involved(help_request) if u.pk != actor.pk})
    if not recipients:
        return 0
    help_request.refresh_from_db()
    url = reverse("help_request_detail", args=[help_request.pk])
    send_mail(
        subject=f"Reaching out: {help_request.title} — {help_request.get_status_display().lower()}",
        message=(
            f'On the request "{help_request.title}" ({help_request.get_area_display().lower()}), '
            f"{STEP_WORDS.get(step, step)}.\n\n"
            + (f"{note}\n\n" if note else "")
            + f"It is now {help_request.get_status_display().lower()}. See it and take the next step: {url}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)
