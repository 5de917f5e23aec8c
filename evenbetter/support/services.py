"""Writes of reaching out (asking, offering, every step of brokerage, with an e-mail to
the people involved at each), and the candidate supporters a request is matched against:
schools, and the partner agencies that offer help."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.selectors import newest_run
from evenbetter.indicators.figures_cache import figures_cached, records_generation
from evenbetter.partnerships.models import Agency, AgencyLink
from evenbetter.schools.models import PartnershipMembership, School
from evenbetter.schools.selectors import register_stamp
from evenbetter.support.impact import SUPPORT_RECORDS
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
    agency: Agency | None = None,
) -> HelpRequest:
    """A request for help; addressed to an agency or service when ``agency`` is given (it
    then starts suggested, that agency its supporter, as if a broker had put it forward)."""
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
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
        if agency is not None:
            _match(help_request, agency=agency)
            help_request.status = Status.SUGGESTED
            help_request.save()
            _record(
                help_request, step="address", from_status=Status.REQUESTED, by=created_by, note=f"Asked {agency.name}."
            )
    return help_request


def support_offer_create(
    *,
    created_by: User,
    area: str,
    description: str,
    days_per_term: float,
    school: School | None = None,
    agency: Agency | None = None,
) -> SupportOffer:
    """An offer of help from a school or from an agency (one of the two)."""
    if (school is None) == (agency is None):
        raise ValueError("an offer is made by a school or by an agency, one of the two")
    return SupportOffer.objects.create(
        school=school,
        agency=agency,
        created_by=created_by,
        area=area,
        description=description.strip(),
        days_per_term=days_per_term,
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
    # Every open school with its strength in the area, from the benchmarks of all England: the
    # same for every request in the area (and for everyone who may see suggestions), so kept in
    # the figures cache until the benchmarks change — or the register does (its stamp is in the
    # key: a school opened, closed, moved or renamed). Only what is the requester's own is read
    # below, per request.
    schools = figures_cached(
        "support-school-candidates", lambda: _school_candidates(request.area), scope=(request.area, register_stamp())
    ).copy()
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
    # Days offered less days given, never below none; no offer is not known (NaN).
    days_given = schools["school_id"].map({school: float(days) for school, days in given.items()}).fillna(0.0)
    schools["capacity_days_left"] = (schools["school_id"].map(offered).astype(float) - days_given).clip(lower=0.0)
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
    run = newest_run()
    high = (
        set(RiskScore.objects.filter(run=run, band=RiskScore.Band.HIGH).values_list("school_id", flat=True))
        if run
        else set()
    )
    schools["on_watch_list_for_area"] = schools["school_id"].isin(high)
    agencies = _agency_candidates(request)
    return pd.concat([schools, agencies], ignore_index=True) if not agencies.empty else schools


def _agency_candidates(request: HelpRequest) -> pd.DataFrame:
    """The agencies that offer help (in any area) as candidates: not measured by school
    results, their strength is whether they offer help in this area (``declared_area``);
    near when they already work with the school or its localities."""
    offers = list(
        SupportOffer.objects.filter(agency__isnull=False, active=True).values_list("agency_id", "area", "days_per_term")
    )
    if not offers:
        return pd.DataFrame()
    agency_ids = sorted({agency_id for agency_id, _, _ in offers})
    names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    offered: dict[int, float] = {}
    for agency_id, area, days in offers:
        if area == request.area:
            offered[agency_id] = offered.get(agency_id, 0.0) + float(days)
    given = dict(
        Engagement.objects.filter(
            on__gte=term_start(timezone.localdate()), help_request__supporter_agency__isnull=False
        )
        .values("help_request__supporter_agency_id")
        .annotate(days=Sum("days"))
        .values_list("help_request__supporter_agency_id", "days")
    )
    record = {
        row["supporter_agency_id"]: row
        for row in HelpRequest.objects.filter(supporter_agency_id__in=agency_ids)
        .values("supporter_agency_id")
        .annotate(
            current=Count("pk", filter=Q(status__in=ACTIVE), distinct=True),
            past=Count("pk", filter=Q(status__in=GIVEN), distinct=True),
            benefit=Avg("reviews__benefit", filter=Q(status__in=GIVEN, reviews__side=SupportReview.Side.REQUESTER)),
        )
    }
    school = request.school
    linked = set(
        AgencyLink.objects.filter(agency_id__in=agency_ids)
        .filter(Q(school=school) | Q(locality__in=school.localities.values("pk")))
        .values_list("agency_id", flat=True)
    )
    rows = []
    for agency_id in agency_ids:
        past: dict[str, Any] = dict(record.get(agency_id, {}))
        benefit = past.get("benefit")
        rows.append(
            {
                "school_id": None,
                "agency_id": agency_id,
                "name": names[agency_id],
                "phase": "",
                "latitude": np.nan,
                "longitude": np.nan,
                "strength_percentile": np.nan,
                "strong_in_area": False,
                "strength_evidence": "",
                "context_distance": np.nan,
                "capacity_days_left": (
                    max(offered[agency_id] - float(given.get(agency_id, 0)), 0.0) if agency_id in offered else np.nan
                ),
                "current_supports": int(past.get("current", 0)),
                "past_supports": int(past.get("past", 0)),
                "past_benefit": (benefit - 1) / 4 if benefit is not None else np.nan,
                "on_watch_list_for_area": False,
                "declared_area": agency_id in offered,
                "works_with_requester": agency_id in linked,
            }
        )
    return pd.DataFrame(rows)


def _school_candidates(area: str) -> pd.DataFrame:
    """Every open school as a supporter for the area: its register facts and its strength."""
    schools = pd.DataFrame.from_records(
        School.objects.exclude(status=School.Status.CLOSED).values_list("pk", "name", "phase", "latitude", "longitude"),
        columns=["school_id", "name", "phase", "latitude", "longitude"],
    )
    strength, evidence = _area_strength(area)
    schools["strength_percentile"] = schools["school_id"].map(strength).astype(float)
    schools["strong_in_area"] = schools["school_id"].isin(evidence)
    schools["strength_evidence"] = [evidence.get(school_id, "") for school_id in schools["school_id"].tolist()]
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


EXCLUDED_SHOWN = 5  # of the schools and services not suggested, the first named on the page


@dataclass(frozen=True)
class KeptSuggestions:
    """What a request's page shows of its suggestions: the ranked ones with their reasons, how
    many were not suggested and the first few of those with why (the whole list of those not
    suggested is every other school in England: two megabytes, never shown)."""

    suggestions: pd.DataFrame
    excluded_count: int
    excluded_first: pd.DataFrame


def suggestions_kept(request: HelpRequest, *, top: int = 10) -> KeptSuggestions:
    """``suggestions_for`` as the request's page shows it, kept in the figures cache: matching
    every school in England is most of the page (a quarter of a second at national scale) and
    gives the same for everyone who may see suggestions (checked before this is asked).

    Renewed by the figures' generation (benchmarks, families, strengths, a risk run, values), the
    support records' (every write of a request, an event, days given, a review, an offer, an
    agency or its links: ``apps.py``), the register's stamp (the candidates and the requester),
    the term (days given this term) and the requester's localities (agencies near it)."""
    scope = (
        request.pk,
        request.school_id,
        request.area,
        top,
        term_start(timezone.localdate()).isoformat(),
        records_generation(SUPPORT_RECORDS),
        register_stamp(),
        tuple(request.school.localities.order_by("pk").values_list("pk", flat=True)),
    )

    def worked_out() -> KeptSuggestions:
        result = suggestions_for(request, top=top)
        return KeptSuggestions(result.suggestions, len(result.excluded), result.excluded.head(EXCLUDED_SHOWN))

    return figures_cached("support-suggestions", worked_out, scope=scope)


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
        .select_related("school", "supporter", "supporter_agency")
        .get(pk=help_request.pk)
    )


def _record(help_request: HelpRequest, *, step: str, from_status: str, by: User, note: str = "") -> None:
    SupportEvent.objects.create(
        help_request=help_request, step=step, from_status=from_status, to_status=help_request.status, by=by, note=note
    )
    transaction.on_commit(lambda: support_step_notify(help_request=help_request, step=step, actor=by, note=note))


def _match(help_request: HelpRequest, supporter: School | None = None, agency: Agency | None = None) -> None:
    """Put a school or an agency forward (or none, after a decline): any earlier agreement is void."""
    help_request.supporter = supporter
    help_request.supporter_agency = agency
    help_request.suggested_at = timezone.now() if supporter or agency else None
    help_request.requester_agreed_at = help_request.supporter_agreed_at = None
    help_request.objectives = ""


def help_request_suggest(
    *,
    help_request: HelpRequest,
    by: User,
    supporter: School | None = None,
    agency: Agency | None = None,
    note: str = "",
) -> HelpRequest:
    """A broker puts forward a school (``supporter``) or an agency to help: one of the two."""
    if (supporter is None) == (agency is None):
        raise StepRefused("Suggest one school or one agency to help.")
    with transaction.atomic():
        help_request = _locked(help_request)
        check("suggest", by, help_request)
        if supporter is not None and supporter.pk == help_request.school_id:
            raise StepRefused("A school cannot be suggested to help itself.")
        if supporter is not None and supporter.status == School.Status.CLOSED:
            raise StepRefused(f"{supporter.name} is closed.")
        before = help_request.status
        _match(help_request, supporter, agency)
        help_request.status = Status.SUGGESTED
        help_request.save()
        name = supporter.name if supporter is not None else agency.name if agency is not None else ""
        _record(help_request, step="suggest", from_status=before, by=by, note=note or f"Suggested {name}.")
    return help_request


def help_request_decline(*, help_request: HelpRequest, by: User, note: str) -> HelpRequest:
    with transaction.atomic():
        help_request = _locked(help_request)
        check("decline", by, help_request)
        before, declined = help_request.status, help_request.supporter_name
        _match(help_request)
        help_request.status = Status.REQUESTED
        help_request.save()
        _record(help_request, step="decline", from_status=before, by=by, note=f"{declined}: {note}")
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
    "address": "the school has asked an agency or service to help",
    "suggest": "a school or agency has been suggested to help",
    "decline": "the school or agency suggested cannot help; the broker will look again",
    "agree": "one side has agreed the support",
    "log": "time given has been logged",
    "review": "one side has reviewed the support",
    "close": "the support is closed; its impact will be measured",
    "withdraw": "the request has been withdrawn",
}


def people_involved(help_request: HelpRequest) -> list[User]:
    """The leaders of the school that asked and of the supporter (a school's leaders, or an
    agency's users), and the brokers: the school's partnership leads, or the system leads
    where it has none."""
    schools = [help_request.school_id] + ([help_request.supporter_id] if help_request.supporter_id else [])
    leaders = User.objects.filter(memberships__role=Role.SCHOOL_LEADER, memberships__school_id__in=schools)
    if help_request.supporter_agency_id is not None:
        leaders = leaders | User.objects.filter(
            memberships__role=Role.PARTNER_AGENCY, agency_memberships__agency_id=help_request.supporter_agency_id
        )
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
