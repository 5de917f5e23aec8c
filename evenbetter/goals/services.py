"""Writes of goals and celebrations: set, change and withdraw a goal; a school's few words on a
celebration, or keeping it quiet; and the refresh that finds what there is to celebrate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.analytics.benchmark import standing_words
from evenbetter.analytics.goals import MET, at_or_better
from evenbetter.analytics.impact import BETTER
from evenbetter.benchmarks.models import Benchmark
from evenbetter.goals.models import Celebration, Goal
from evenbetter.goals.selectors import (
    Owner,
    can_change_goal,
    can_set_goals_for,
    can_speak_for,
    goal_progress,
    owner_figures,
)
from evenbetter.indicators.models import Indicator
from evenbetter.practice.models import PracticeItem, Visible
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.support.impact import headline_estimate, impact_for
from evenbetter.support.models import HelpRequest

WORDS_LIMIT = 300


class GoalError(Exception):
    """A goal that cannot be set as asked; the message says what and where."""


def _check(*, indicator: Indicator, target: float, due_on: dt.date, why: str, baseline: float | None) -> None:
    if indicator.direction == Indicator.Direction.NEITHER:
        raise GoalError(f"Indicator: {indicator.name} has no better direction, so it cannot have a goal.")
    if due_on <= timezone.localdate():
        raise GoalError(f"Date: {due_on:%-d %B %Y} has passed; a goal needs a date in the future.")
    if not why.strip():
        raise GoalError("Why: say in a few words why this goal matters.")
    for bound, beyond in ((indicator.minimum, target < (indicator.minimum or 0)),
                          (indicator.maximum, target > (indicator.maximum or 0))):  # fmt: skip
        if bound is not None and beyond:
            raise GoalError(
                f"Target: {indicator.label_for(target)} is outside what {indicator.name} can be "
                f"({indicator.label_for(indicator.minimum)} to {indicator.label_for(indicator.maximum)})."
            )
    if baseline is not None and at_or_better(baseline, target, indicator.direction):
        raise GoalError(
            f"Target: the latest figure is already {indicator.label_for(baseline)}; "
            f"set a target better than that ({indicator.get_direction_display().lower()})."
        )


def goal_create(*, by: User, owner: Owner, indicator: Indicator, target: float, due_on: dt.date, why: str) -> Goal:
    """Set a goal for a school, a partnership or a locality. The baseline is the latest figure now."""
    if not can_set_goals_for(by, owner):
        raise PermissionDenied("You may set goals only for your own school, partnership or locality.")
    figures = owner_figures(owner, indicator)
    baseline = figures[-1] if figures else None
    _check(indicator=indicator, target=target, due_on=due_on, why=why, baseline=baseline.value if baseline else None)
    return Goal.objects.create(
        school=owner if isinstance(owner, School) else None,
        partnership=owner if isinstance(owner, Partnership) else None,
        locality=owner if isinstance(owner, Locality) else None,
        indicator=indicator,
        target=target,
        due_on=due_on,
        why=why.strip(),
        baseline_period=baseline.period if baseline else "",
        baseline_value=baseline.value if baseline else None,
        set_by=by,
    )


def goal_update(*, goal: Goal, by: User, target: float, due_on: dt.date, why: str) -> Goal:
    """Change a goal's target, date or reason; its indicator, owner and baseline stay."""
    if not can_change_goal(by, goal):
        raise PermissionDenied("You may change only your own school's, partnership's or locality's goals.")
    _check(indicator=goal.indicator, target=target, due_on=due_on, why=why, baseline=goal.baseline_value)
    goal.target, goal.due_on, goal.why = target, due_on, why.strip()
    goal.changed_by, goal.changed_at = by, timezone.now()
    goal.save(update_fields=["target", "due_on", "why", "changed_by", "changed_at"])
    return goal


def goal_withdraw(*, goal: Goal, by: User) -> Goal:
    """Withdraw a goal: it leaves every page, and its celebration goes with it."""
    if not can_change_goal(by, goal):
        raise PermissionDenied("You may withdraw only your own school's, partnership's or locality's goals.")
    with transaction.atomic():
        goal.withdrawn_by, goal.withdrawn_at = by, timezone.now()
        goal.save(update_fields=["withdrawn_by", "withdrawn_at"])
        goal.celebrations.all().delete()
    return goal


def celebration_words_set(*, celebration: Celebration, by: User, words: str) -> Celebration:
    if not can_speak_for(by, celebration):
        raise PermissionDenied("Only those who speak for the school (or partnership, or locality) may add words.")
    words = words.strip()
    if len(words) > WORDS_LIMIT:
        raise GoalError(f"Words: keep it to {WORDS_LIMIT} characters (this is {len(words)}).")
    celebration.words, celebration.words_by = words, by
    celebration.save(update_fields=["words", "words_by"])
    return celebration


def celebration_quiet_set(*, celebration: Celebration, by: User, quiet: bool) -> Celebration:
    if not can_speak_for(by, celebration):
        raise PermissionDenied("Only those who speak for the school (or partnership, or locality) may keep it quiet.")
    celebration.quiet, celebration.quiet_by = quiet, by
    celebration.save(update_fields=["quiet", "quiet_by"])
    return celebration


# --- the refresh --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A celebration as the refresh finds it: its key and what it says and is about."""

    key: str
    kind: str
    headline: str
    fields: dict[str, object]


def _goals_met() -> list[Found]:
    found = []
    goals = Goal.objects.filter(withdrawn_at__isnull=True).select_related(
        "indicator", "school", "partnership", "locality"
    )
    for goal in goals:
        progress = goal_progress(goal)
        met_by = progress.status.met_by
        if progress.status.status != MET or met_by is None:
            continue
        label = goal.indicator.label_for
        found.append(
            Found(
                f"goal:{goal.pk}",
                Celebration.Kind.GOAL_MET,
                f"{goal.owner_name} met its goal for {goal.indicator.name}: {label(met_by.value)} in "
                f"{met_by.period}, against a target of {label(goal.target)}.",
                {
                    "school": goal.school,
                    "partnership": goal.partnership,
                    "locality": goal.locality,
                    "goal": goal,
                    "indicator": goal.indicator,
                },
            )
        )
    return found


def _supports_that_worked() -> list[Found]:
    found = []
    closed = HelpRequest.objects.filter(status=HelpRequest.Status.CLOSED).select_related("school", "supporter")
    for help_request in closed:
        estimate = headline_estimate(impact_for(help_request))
        if estimate is None or estimate.verdict != BETTER:
            continue
        helper = f" with help from {help_request.supporter.name}" if help_request.supporter else ""
        found.append(
            Found(
                f"support:{help_request.pk}",
                Celebration.Kind.SUPPORT_WORKED,
                f"{help_request.school.name}{helper}: {help_request.title} ({help_request.get_area_display().lower()})"
                " changed things, clearly more than similar schools changed over the same years.",
                {"school": help_request.school, "help_request": help_request},
            )
        )
    return found


# Where a rise against similar schools is worth celebrating: the headline measures of what
# children achieve and how they attend (not every breakdown by group), and every wellbeing and
# trust result (a pulse survey's too); not staffing counts or the quality of the data.
IMPROVEMENT_INDICATORS = Q(domain__in=[Indicator.Domain.OUTCOMES, Indicator.Domain.ATTENDANCE], headline=True) | Q(
    domain=Indicator.Domain.WELLBEING
)
# Fewer similar schools with a value than this, and a percentile moves by too much per school.
IMPROVEMENT_MIN_FAMILY = 10


def _large_improvements() -> list[Found]:
    """Between an indicator's two latest periods, a school whose own value got better and whose
    place among similar schools rose by at least ``EVENBETTER_CELEBRATE_IMPROVEMENT_POINTS``
    percentile points (``IMPROVEMENT_INDICATORS``; a value on a small cohort, or among fewer than
    ten similar schools, is left out: it moves by chance)."""
    points = settings.EVENBETTER_CELEBRATE_IMPROVEMENT_POINTS
    found = []
    indicators = Indicator.objects.filter(IMPROVEMENT_INDICATORS).exclude(direction=Indicator.Direction.NEITHER)
    for indicator in indicators:
        periods = list(
            Benchmark.objects.filter(indicator=indicator)
            .order_by("-period_start")
            .values_list("period", flat=True)
            .distinct()[:2]
        )
        if len(periods) < 2:
            continue
        latest, before = periods
        rows = Benchmark.objects.filter(
            indicator=indicator,
            period__in=periods,
            family_percentile__isnull=False,
            small_cohort=False,
            family_count__gte=IMPROVEMENT_MIN_FAMILY,
        ).values_list("school_id", "period", "family_percentile", "value")
        frame = pd.DataFrame.from_records(list(rows), columns=["school_id", "period", "percentile", "value"])
        if frame.empty:
            continue
        wide = frame.pivot_table(index="school_id", columns="period", values=["percentile", "value"]).dropna()
        if wide.empty or ("percentile", latest) not in wide or ("percentile", before) not in wide:
            continue
        rise = wide[("percentile", latest)] - wide[("percentile", before)]
        change = wide[("value", latest)] - wide[("value", before)]
        better = change > 0 if indicator.direction == Indicator.Direction.HIGHER_IS_BETTER else change < 0
        risen = wide[(rise >= points) & better]
        schools = School.objects.in_bulk(list(risen.index))
        for school_id, row in risen.iterrows():
            school = schools[int(str(school_id))]
            now = standing_words(float(row[("percentile", latest)]), indicator.direction)
            found.append(
                Found(
                    f"improvement:{school_id}:{indicator.code}:{latest}",
                    Celebration.Kind.IMPROVEMENT,
                    f"{school.name}: {indicator.name} went from {indicator.label_for(float(row[('value', before)]))} "
                    f"in {before} to {indicator.label_for(float(row[('value', latest)]))} in {latest}, "
                    f"now {now}.",
                    {"school": school, "indicator": indicator},
                )
            )
    return found


def _practice_many_tried() -> list[Found]:
    threshold = settings.EVENBETTER_CELEBRATE_PRACTICE_TRIED
    items = (
        PracticeItem.objects.filter(status=Visible.PUBLISHED)
        .annotate(tried=Count("tries"))
        .filter(tried__gte=threshold)
        .prefetch_related("schools")
    )
    found = []
    for item in items:
        first_school = next(iter(item.schools.all()), None)
        tried = getattr(item, "tried", 0)
        found.append(
            Found(
                f"practice:{item.pk}",
                Celebration.Kind.PRACTICE_TRIED,
                f"{item.title}: tried by {tried} schools"
                + (f", shared by {first_school.name}." if first_school else "."),
                {"school": first_school, "practice_item": item},
            )
        )
    return found


@dataclass(frozen=True)
class RefreshResult:
    found: int
    new: int
    gone: int


def celebrations_refresh() -> RefreshResult:
    """Find what there is to celebrate now, keep it, and let go of what no longer holds (a goal
    withdrawn, a value corrected). Idempotent: what is found again keeps its row, its date,
    and the school's words and choice to keep it quiet."""
    found = _goals_met() + _supports_that_worked() + _large_improvements() + _practice_many_tried()
    keys = {entry.key for entry in found}
    with transaction.atomic():
        existing = {c.key: c for c in Celebration.objects.filter(key__in=keys)}
        new = 0
        for entry in found:
            row = existing.get(entry.key)
            if row is None:
                Celebration.objects.create(key=entry.key, kind=entry.kind, headline=entry.headline, **entry.fields)
                new += 1
            elif row.headline != entry.headline:
                row.headline = entry.headline
                row.save(update_fields=["headline"])
        gone, _ = Celebration.objects.exclude(key__in=keys).delete()
    return RefreshResult(found=len(found), new=new, gone=gone)
