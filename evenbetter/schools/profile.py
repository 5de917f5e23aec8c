"""The school improvement profile: one school, printable, for governors and school leaders.

``profile_of`` gathers everything the profile says, once, through the same scoped
selectors as the school page; the HTML page (``schools/profile.html``) and the PDF
(``profile_pdf.py``) only lay it out, so the two always say the same. Every figure is
already in words here (the indicator's own units and decimals), never formatted twice.

What a reader sees follows who they are: anyone who may open the school's page may open
its profile, but only those who see local records (the school's own people and those who
see it in full) get its non-public indicators, only those who see its risk
(``earlywarning.selectors.can_see_risk_of``) get the risk section, and help requests are
listed as ``support.selectors`` lets the reader see them. Viewing the risk section is
audited by the views, as the risk page is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat, timezone

from evenbetter.accounts.selectors import AnyUser
from evenbetter.benchmarks.selectors import IndicatorBenchmark, school_benchmarks, school_strengths
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.selectors import can_see_risk_of, current_run, school_responses, school_risk
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.indicators.selectors import (
    IndicatorSeries,
    inspections_of_school_visible_to,
    school_indicator_series,
)
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School
from evenbetter.schools.selectors import school_partnership_memberships
from evenbetter.support.impact import impact_for
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import help_requests_visible_to, sees_brokerage, shows_who_asked

TREND_PERIODS = 3
RESPONSES_SHOWN = 5
DASH = "—"

READER_SEES = {
    SchoolAccess.FULL: "the school in full: its local records and its early-warning score included",
    SchoolAccess.GOVERNOR: "the school as its governors do: its local records and its early-warning score included",
    SchoolAccess.AGENCY: "what a partner agency working with the school sees: its public data",
    SchoolAccess.PUBLIC: "the school's public data, as any school leader does",
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    generated: bool = False


@dataclass(frozen=True)
class BenchmarkRow:
    """One headline indicator's latest period against the school's family."""

    indicator: str
    period: str
    value: str
    median: str
    middle_half: str
    better_than: str
    target: str
    small_cohort: bool
    public: bool
    generated: bool


@dataclass(frozen=True)
class TrendRow:
    """One headline indicator's last periods, oldest first."""

    indicator: str
    direction: str
    points: list[tuple[str, str]]
    public: bool
    generated: bool

    @property
    def blank_cells(self) -> int:
        """Periods short of the three a trend shows (a table's cells to leave empty)."""
        return TREND_PERIODS - len(self.points)


@dataclass(frozen=True)
class SupportRow:
    """A help request the school made, or one it helped with, as far as the reader may see it."""

    title: str
    area: str
    other_school: str  # who helped (for a request it made) or whom it helped
    status: str
    days_given: str
    benefit: str
    impact: list[str]
    generated: bool


@dataclass(frozen=True)
class RiskSection:
    as_of: str
    outcome: str
    score: str  # "31%", or "" when the school has no score
    band: str
    standing: str
    reasons: list[str]
    triggers: list[str]
    responses: list[tuple[str, str]]  # (date, text), newest first
    generated: bool
    score_id: int | None = None
    risk: float | None = None


@dataclass(frozen=True)
class Profile:
    school: School
    access: SchoolAccess
    reader_sees: str
    generated_on: dt.date
    facts: list[Fact]
    comparison: str
    benchmarks: list[BenchmarkRow]
    strengths: list[str]
    areas: list[str]
    trends: list[TrendRow]
    support_asked: list[SupportRow]
    support_given: list[SupportRow]
    risk: RiskSection | None

    @property
    def has_generated(self) -> bool:
        rows: list[Fact | BenchmarkRow | TrendRow | SupportRow] = [
            *self.facts,
            *self.benchmarks,
            *self.trends,
            *self.support_asked,
            *self.support_given,
        ]
        return any(row.generated for row in rows) or bool(self.risk and self.risk.generated)


def profile_of(user: AnyUser, school: School) -> Profile:
    """The profile as ``user`` may read it. The views refuse a reader who may not open the
    school (``school_access`` NONE); should one get here, the profile is empty."""
    access = school_access(user, school)
    if access == SchoolAccess.NONE:
        return Profile(school, access, "", timezone.localdate(), [], "", [], [], [], [], [], [], None)
    series = school_indicator_series(user=user, school=school)
    generated = _generated_values(school)
    benchmarks = school_benchmarks(user=user, school=school, headline_only=True)
    strengths = school_strengths(user=user, school=school)
    asked, given = _support(user, school)
    return Profile(
        school=school,
        access=access,
        reader_sees=READER_SEES[access],
        generated_on=timezone.localdate(),
        facts=_facts(user, school, series),
        comparison=benchmarks[0].comparison_label if benchmarks else "similar schools",
        benchmarks=[_benchmark_row(entry, generated) for entry in benchmarks],
        strengths=[line.text for line in strengths.strengths],
        areas=[line.text for line in strengths.areas],
        trends=[_trend_row(entry, generated) for entry in series if entry.indicator.headline and entry.points],
        support_asked=asked,
        support_given=given,
        risk=_risk(user, school) if can_see_risk_of(user, school) else None,
    )


def _generated_values(school: School) -> set[tuple[int, str]]:
    """(indicator, period) of the school's values that came from generated (demo) records."""
    return set(
        Observation.objects.filter(school=school, import_run__options__generated=True).values_list(
            "indicator_id", "period"
        )
    )


def _day(day: dt.date | dt.datetime) -> str:
    return dateformat.format(day, "j F Y")


def _latest(series: list[IndicatorSeries], code: str) -> str:
    for entry in series:
        if entry.indicator.code == code and entry.values:
            point = entry.values[-1]
            return f"{entry.indicator.label_for(point.value)} ({point.period})"
    return ""


def _facts(user: AnyUser, school: School, series: list[IndicatorSeries]) -> list[Fact]:
    facts = [
        Fact("Type", school.type_name or DASH),
        Fact("Phase", school.phase or DASH),
        Fact("Status", school.get_status_display()),
        Fact("Local authority", f"{school.la_name} ({school.la_code})" if school.la_name else DASH),
    ]
    if school.urn:
        facts.insert(0, Fact("URN", str(school.urn)))
    pupils = f"{school.pupils_on_roll:,} (register)" if school.pupils_on_roll is not None else ""
    facts.append(Fact("Pupils on roll", pupils or _latest(series, "pupils_on_roll") or "Not known"))
    fsm = f"{school.percent_fsm}% (register)" if school.percent_fsm is not None else ""
    facts.append(Fact("% eligible for free school meals", fsm or _latest(series, "percent_fsm") or "Not known"))
    facts.append(Fact("% English as an additional language", _latest(series, "percent_eal") or "Not known"))
    facts.append(Fact("% SEN support", _latest(series, "percent_sen") or "Not known"))
    inspection = inspections_of_school_visible_to(user, school).first()
    if inspection is not None:
        when = _day(inspection.inspected_on) if inspection.inspected_on else f"as at {inspection.as_at}"
        facts.append(Fact("Ofsted", f"{inspection.grade_label}, {when}"))
    elif school.ofsted_rating:
        when = _day(school.ofsted_last_inspection) if school.ofsted_last_inspection else "date unknown"
        facts.append(Fact("Ofsted", f"{school.ofsted_rating}, {when}"))
    else:
        facts.append(Fact("Ofsted", "No rating on the register"))
    for locality in school.localities.all():
        facts.append(Fact("Locality", locality.name, locality.is_generated))
    memberships = [m for m in school_partnership_memberships(user=user, school=school) if m.left_on is None]
    for membership in memberships:
        partnership = membership.partnership
        since = f", since {_day(membership.joined_on)}" if membership.joined_on else ""
        facts.append(
            Fact(
                "Partnership",
                f"{partnership.name} ({partnership.get_kind_display().lower()}{since})",
                partnership.is_generated,
            )
        )
    if not memberships:
        # Governors and partner agencies do not see partnerships: the register's own words.
        named = [f"Trust: {school.trust_name}"] if school.trust_name else []
        named += [f"Federation: {school.federation_name}"] if school.federation_name else []
        facts.append(Fact("Partnerships", "; ".join(named) or "None known"))
    return facts


def _benchmark_row(entry: IndicatorBenchmark, generated: set[tuple[int, str]]) -> BenchmarkRow:
    point = entry.latest
    label = entry.indicator.label_for

    def figure(value: float | None) -> str:
        return label(value) if value is not None else DASH

    if point.target is None:
        target = DASH
    elif point.gap_to_target:
        target = f"{label(point.target)} ({label(point.gap_to_target)} to go)"
    else:
        target = f"{label(point.target)} (reached)"
    middle = DASH if point.family_q1 is None else f"{label(point.family_q1)} to {figure(point.family_q3)}"
    better = (
        DASH if point.family_percentile is None else f"better than {point.family_percentile:.0f}% of similar schools"
    )
    return BenchmarkRow(
        indicator=entry.indicator.name,
        period=point.period,
        value=label(point.value),
        median=figure(point.family_median),
        middle_half=middle,
        better_than=better,
        target=target,
        small_cohort=point.small_cohort,
        public=entry.indicator.is_public,
        generated=(entry.indicator.pk, point.period) in generated,
    )


def _trend_row(entry: IndicatorSeries, generated: set[tuple[int, str]]) -> TrendRow:
    recent = entry.points[-TREND_PERIODS:]
    points = [
        (p.period, entry.indicator.label_for(p.value) if p.value is not None else str(p.get_status_display()))
        for p in recent
    ]
    direction = {
        Indicator.Direction.HIGHER_IS_BETTER: "higher is better",
        Indicator.Direction.LOWER_IS_BETTER: "lower is better",
    }.get(Indicator.Direction(entry.indicator.direction), "context")
    return TrendRow(
        indicator=entry.indicator.name,
        direction=direction,
        points=points,
        public=entry.indicator.is_public,
        generated=any((entry.indicator.pk, p.period) in generated for p in recent),
    )


def _benefit(help_request: HelpRequest) -> str:
    reviews = list(help_request.reviews.all())
    if not reviews:
        return ""
    return "; ".join(
        f"{review.get_side_display()}: {review.benefit} of 5, objectives {review.get_objectives_met_display().lower()}"
        for review in reviews
    )


def _support_row(user: AnyUser, help_request: HelpRequest, other: School | None, named: bool) -> SupportRow:
    """The brokerage (who helps, time given, reviews, impact) only for those who follow it, as
    on the request's own page; an anonymous request's school only for those who may know it."""
    involved = sees_brokerage(user, help_request)
    if not involved:
        other_name = ""
    elif other is None:
        other_name = "Nobody yet"
    elif named:
        other_name = other.name
    else:
        other_name = f"A {other.phase.lower()} school (anonymous)" if other.phase else "A school (anonymous)"
    closed = help_request.status == HelpRequest.Status.CLOSED
    engagements = help_request.engagements.all()
    return SupportRow(
        title=help_request.title,
        area=help_request.get_area_display(),
        other_school=other_name,
        status=help_request.get_status_display(),
        days_given=f"{help_request.days_given:g} days" if involved and engagements else "",
        benefit=_benefit(help_request) if involved else "",
        impact=[line.words for line in impact_for(help_request)] if involved and closed else [],
        generated=help_request.is_generated,
    )


def _support(user: AnyUser, school: School) -> tuple[list[SupportRow], list[SupportRow]]:
    visible = (
        help_requests_visible_to(user).select_related("school", "supporter").prefetch_related("engagements", "reviews")
    )
    # A request it made is listed only where the reader may know who asked: on this school's
    # profile, listing an anonymous request would name the school that asked.
    asked = [
        _support_row(user, r, r.supporter, True) for r in visible.filter(school=school) if shows_who_asked(user, r)
    ]
    # Who helps whom is part of the brokerage: seen by the two schools' people and the brokers.
    given = [
        _support_row(user, r, r.school, shows_who_asked(user, r))
        for r in visible.filter(supporter=school)
        if sees_brokerage(user, r)
    ]
    return asked, given


def _risk(user: AnyUser, school: School) -> RiskSection:
    run = current_run()
    score: RiskScore | None = school_risk(user=user, school=school)
    responses = [
        (_day(timezone.localtime(r.created_at)), r.text)
        for r in school_responses(user=user, school=school)[:RESPONSES_SHOWN]
    ]
    if run is None or score is None:
        return RiskSection(
            as_of=run.as_of if run else "",
            outcome=run.outcome_text if run else "",
            score="",
            band="",
            standing="This school has no score in the latest run."
            if run
            else "The early warning has not been run yet.",
            reasons=[],
            triggers=[],
            responses=responses,
            generated=bool(run and run.uses_generated_data),
        )
    change = ""
    if score.change is not None:
        moved = "up" if score.change > 0 else "down" if score.change < 0 else "unchanged"
        change = f"; {moved} {abs(score.change) * 100:.0f} points since the run before"
    reasons = [
        f"{'Pushes it up' if float(contribution) > 0 else 'Pulls it down'}: {words}"
        for _, contribution, words in score.reasons
    ]
    triggers = [
        f"{trigger.get('name', '')} ({'leading trigger' if trigger.get('kind') == 'leading' else 'lagging symptom'})"
        + (f": {trigger['explanation']}" if trigger.get("explanation") else "")
        for trigger in score.triggers
        if trigger.get("fired")
    ]
    return RiskSection(
        as_of=run.as_of,
        outcome=run.outcome_text,
        score=f"{score.risk * 100:.0f}%",
        band=score.get_band_display(),
        standing=f"Ranked {score.rank} of {run.schools_scored} schools{change}.",
        reasons=reasons,
        triggers=triggers,
        responses=responses,
        generated=run.uses_generated_data,
        score_id=score.pk,
        risk=score.risk,
    )
