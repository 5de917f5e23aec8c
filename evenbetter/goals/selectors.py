"""Reads of goals and celebrations, each from the reader's scope (``schools.access``).

Who may **set, change or withdraw** a goal: a school's leaders for their own school, a
partnership's lead for the partnership, a locality's lead for the locality, and a system
lead for any of them (``can_set_goals_for``). The same people may add a few words to the
owner's celebrations, or keep them quiet.

Who may **see** a goal: whoever may open its owner's page (``schools_visible_to``,
``partnerships_visible_to``, ``localities_visible_to``): governors their own school's. A goal
on a local record (an indicator that is not published) is seen only by those who see that
record (``indicators.selectors.sees_local_records``): a school's own people (its governors and
staff) and those who see it in full (its partnership's and locality's leads), and for a shared
goal only those who may set it.

Who may see a **celebration** is who may see what it is about: a met goal as the goal; a large
improvement as the school's values of that indicator; a practice item as the item
(``practice.selectors.published_items``); a support that worked as the support's brokerage
(``support.selectors.sees_brokerage``: its two schools' people and the brokers), since its
measured impact is shown only to them. A celebration kept quiet is seen only by those who
may change it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import AnyUser, UserScope, scope_of
from evenbetter.analytics.goals import (
    AMBITION_WORDS,
    Figure,
    GoalStatus,
    ambition,
    figure,
    goal_status,
)
from evenbetter.benchmarks.models import Benchmark
from evenbetter.benchmarks.selectors import school_benchmarks
from evenbetter.dashboards.selectors import group_figures
from evenbetter.goals.models import Celebration, Goal
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.practice.selectors import published_items
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to, schools_visible_to
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.support.selectors import help_requests_visible_to, sees_brokerage

Owner = School | Partnership | Locality


def _own_school_ids(scope: UserScope) -> frozenset[int]:
    """The schools whose local records the reader sees (``indicators.selectors.sees_local_records``:
    seen in full, governed, or a staff member's own)."""
    return scope.full_school_ids | scope.governed_school_ids | scope.staff_school_ids


def can_set_goals_for(user: AnyUser, owner: Owner) -> bool:
    scope = scope_of(user)
    if scope.is_system_lead:
        return True
    if isinstance(owner, School):
        return owner.pk in scope.school_ids
    if isinstance(owner, Partnership):
        return owner.pk in scope.led_partnership_ids
    return owner.pk in scope.led_locality_ids


def can_change_goal(user: AnyUser, goal: Goal) -> bool:
    return not goal.is_withdrawn and can_set_goals_for(user, goal.owner)


def _set_by_reader(scope: UserScope, prefix: str = "") -> Q:
    """The goals (or celebrations) whose owner the reader may speak for, as a query."""
    if scope.is_system_lead:
        return Q()
    return (
        Q(**{f"{prefix}school_id__in": scope.school_ids})
        | Q(**{f"{prefix}partnership_id__in": scope.led_partnership_ids})
        | Q(**{f"{prefix}locality_id__in": scope.led_locality_ids})
    )


def goals_visible_to(user: AnyUser) -> QuerySet[Goal]:
    """Every goal the reader may see, withdrawn ones left out."""
    scope = scope_of(user)
    goals = Goal.objects.filter(withdrawn_at__isnull=True).select_related(
        "indicator", "school", "partnership", "locality"
    )
    if scope.is_system_lead:
        return goals
    seen_owner = (
        Q(school__in=schools_visible_to(user))
        | Q(partnership__in=partnerships_visible_to(user))
        | Q(locality__in=localities_visible_to(user))
    )
    local_record_seen = Q(school_id__in=_own_school_ids(scope)) | _set_by_reader(scope)
    return goals.filter(seen_owner).filter(Q(indicator__is_public=True) | local_record_seen)


def goals_of(user: AnyUser, owner: Owner) -> QuerySet[Goal]:
    field = "school" if isinstance(owner, School) else "partnership" if isinstance(owner, Partnership) else "locality"
    return goals_visible_to(user).filter(**{field: owner})


def goal_indicators(user: AnyUser, owner: Owner) -> QuerySet[Indicator]:
    """What a goal may be set on: any indicator where higher or lower is better (a pulse
    survey's results too), local records only for those who may set the owner's goals (who
    see them); data quality is not a goal."""
    indicators = Indicator.objects.exclude(direction=Indicator.Direction.NEITHER).exclude(
        domain=Indicator.Domain.DATA_QUALITY
    )
    if not can_set_goals_for(user, owner):
        return indicators.filter(is_public=True).order_by("domain", "name")
    return indicators.order_by("domain", "name")


def member_ids(owner: Owner) -> list[int]:
    """The open schools a shared goal is over: the partnership's current members, or the
    locality's schools (the dashboards' own choice of schools)."""
    if isinstance(owner, School):
        return [owner.pk]
    schools = School.objects.exclude(status=School.Status.CLOSED)
    if isinstance(owner, Partnership):
        schools = schools.filter(partnership_memberships__partnership=owner, partnership_memberships__left_on=None)
    else:
        schools = schools.filter(localities=owner)
    return sorted(set(schools.values_list("pk", flat=True)))


def owner_figures(owner: Owner, indicator: Indicator) -> list[Figure]:
    """The goal's figures, oldest first: the school's own values, or the group's overall
    figure by period, cohort-weighted as the dashboards compute it."""
    if isinstance(owner, School):
        rows = (
            Observation.objects.filter(
                school=owner, indicator=indicator, status=Observation.Status.VALUE, value__isnull=False
            )
            .order_by("period_start")
            .values_list("period", "value")
        )
        return [figure(period, value) for period, value in rows if value is not None]
    table = group_figures(indicator, member_ids(owner))
    return [
        figure(str(period), float(overall)) for period, overall in zip(table["period"], table["overall"], strict=True)
    ]


@dataclass(frozen=True)
class GoalEvidence:
    """What is set beside a new goal, so that it can be checked as challenging."""

    indicator: Indicator
    latest: Figure | None
    period: str  # of the family figures
    median: float | None  # the family's median (a group: cohort-weighted over its schools' families)
    q1: float | None
    q3: float | None
    even_better: float | None  # the upper quartile of similar schools on the better side
    schools: int  # schools the family figures rest on
    is_group: bool

    def ambition(self, target: float) -> str:
        return ambition(
            target=target, direction=self.indicator.direction, median=self.median, even_better=self.even_better
        )

    def ambition_words(self, target: float) -> str:
        return AMBITION_WORDS[self.ambition(target)]


def _weighted(frame: pd.DataFrame, column: str) -> float | None:
    rows = frame.dropna(subset=[column])
    if rows.empty:
        return None
    sized = rows[rows["cohort"].notna() & (rows["cohort"] > 0)]
    if len(sized):
        return float((sized[column] * sized["cohort"]).sum() / sized["cohort"].sum())
    return float(rows[column].mean())


def goal_evidence(user: AnyUser, owner: Owner, indicator: Indicator) -> GoalEvidence:
    """A school: its latest figure against its family (the "Even better" panel's own
    benchmark, ``school_benchmarks``). A group: its latest overall figure, and where its
    schools' families stand, each school weighted by its cohort as the dashboards weigh
    them: the figure the group would have if every school stood at its family's median,
    quartiles or even-better target."""
    figures = owner_figures(owner, indicator)
    latest = figures[-1] if figures else None
    if isinstance(owner, School):
        found = [b for b in school_benchmarks(user=user, school=owner) if b.indicator.pk == indicator.pk]
        if not found:
            return GoalEvidence(indicator, latest, "", None, None, None, None, 0, False)
        point = found[0].latest
        return GoalEvidence(
            indicator, latest, point.period, point.family_median, point.family_q1, point.family_q3, point.target,
            point.family_count, False,
        )  # fmt: skip
    rows = Benchmark.objects.filter(indicator=indicator, school_id__in=member_ids(owner))
    period = rows.order_by("-period_start").values_list("period", flat=True).first()
    if period is None:
        return GoalEvidence(indicator, latest, "", None, None, None, None, 0, True)
    frame = pd.DataFrame.from_records(
        list(rows.filter(period=period).values("family_median", "family_q1", "family_q3", "target", "cohort")),
        columns=["family_median", "family_q1", "family_q3", "target", "cohort"],
    ).astype(float)
    return GoalEvidence(
        indicator, latest, period, _weighted(frame, "family_median"), _weighted(frame, "family_q1"),
        _weighted(frame, "family_q3"), _weighted(frame, "target"), len(frame), True,
    )  # fmt: skip


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    status: GoalStatus
    figures: list[Figure]

    def label(self, value: float | None) -> str:
        return self.goal.indicator.label_for(value)

    @property
    def words(self) -> str:
        """The status in a sentence: where the latest figure stands against the line."""
        status, label = self.status, self.label
        target = f"{label(self.goal.target)} by {self.goal.due_on:%-d %B %Y}"
        if status.status == "met" and status.met_by is not None:
            return f"Met: {label(status.met_by.value)} in {status.met_by.period}, against a target of {target}."
        if status.latest is None:
            return f"No figure since it was set. The target is {target}."
        latest = f"{label(status.latest.value)} in {status.latest.period}"
        if status.status == "missed":
            return f"Missed: {latest}, against a target of {target}."
        return (
            f"{status.words}: {latest}, where a straight line from {label(status.baseline.value if status.baseline else None)}"
            f" to the target would be at {label(status.expected)}. The target is {target}."
        )

    def chart_points(self) -> list[tuple[str, str]]:
        return [(f.period, self.label(f.value)) for f in self.figures]


def goal_progress(goal: Goal) -> GoalProgress:
    figures = owner_figures(goal.owner, goal.indicator)
    baseline = figure(goal.baseline_period, goal.baseline_value) if goal.baseline_value is not None else None
    status = goal_status(
        direction=goal.indicator.direction, target=goal.target, due=goal.due_on, baseline=baseline, figures=figures
    )
    return GoalProgress(goal, status, figures)


def goals_with_progress(goals: QuerySet[Goal], limit: int = 50) -> list[GoalProgress]:
    return [goal_progress(goal) for goal in goals[:limit]]


def visible_goal(user: AnyUser, pk: int) -> Goal | None:
    return goals_visible_to(user).filter(pk=pk).first()


# --- celebrations ---------------------------------------------------------------------------------


def can_speak_for(user: AnyUser, celebration: Celebration) -> bool:
    """Who may add the school's few words to a celebration, or keep it quiet: those who may set
    its owner's goals."""
    owner = celebration.school or celebration.partnership or celebration.locality
    return owner is not None and can_set_goals_for(user, owner)


FEED_ORDER = [
    Celebration.Kind.GOAL_MET,
    Celebration.Kind.SUPPORT_WORKED,
    Celebration.Kind.PRACTICE_TRIED,
    Celebration.Kind.IMPROVEMENT,
]


def _near(user: AnyUser, scope: UserScope) -> Q:
    """Near the reader: their own schools (led, governed, in their partnerships, worked with)
    and the schools of those schools' localities, their partnerships and localities. The
    library's practice is everyone's."""
    own = _own_school_ids(scope) | scope.agency_school_ids
    localities = set(Locality.objects.filter(schools__in=own).values_list("pk", flat=True))
    localities |= scope.agency_locality_ids | scope.led_locality_ids
    partnerships = set(
        Partnership.objects.filter(memberships__school_id__in=own, memberships__left_on=None).values_list(
            "pk", flat=True
        )
    )
    partnerships |= scope.led_partnership_ids
    near_schools = Q(school_id__in=own) | Q(school__localities__in=localities)
    return (
        near_schools
        | Q(partnership_id__in=partnerships)
        | Q(locality_id__in=localities)
        | Q(kind=Celebration.Kind.PRACTICE_TRIED)
    )


def celebrations_visible_to(
    user: AnyUser,
    *,
    limit: int | None = 20,
    since: dt.datetime | None = None,
    pk: int | None = None,
    near: bool = False,
) -> list[Celebration]:
    """The celebrations the reader may see, newest first (see the module's docstring);
    ``near``: only those near the reader (the home page's feed and the digest: a school leader
    may see every school's published figures, but celebrates with the schools around it)."""
    scope = scope_of(user)
    if not scope.roles:
        return []
    # Newest day first; within a day (a refresh finds many at once) what people did themselves
    # (a goal met, a support) before what the figures show (a rise), then the newest.
    # (The order is worked out in Python, ``_in_order``: SQLite truncates a date through a
    # Python function, once per row, thousands of rows after a national refresh.)
    rows = Celebration.objects.select_related(
        "school", "partnership", "locality", "goal", "indicator", "help_request", "practice_item"
    )
    if since is not None:
        rows = rows.filter(found_at__gt=since)
    if pk is not None:
        rows = rows.filter(pk=pk)
    if not scope.is_system_lead:
        local_record_seen = Q(school_id__in=_own_school_ids(scope))
        rows = rows.filter(
            Q(kind=Celebration.Kind.GOAL_MET, goal__in=goals_visible_to(user))
            | (
                Q(kind=Celebration.Kind.IMPROVEMENT, school__in=schools_visible_to(user))
                & (Q(indicator__is_public=True) | local_record_seen)
            )
            | Q(kind=Celebration.Kind.PRACTICE_TRIED, practice_item__in=published_items(user))
            | Q(kind=Celebration.Kind.SUPPORT_WORKED, help_request__in=help_requests_visible_to(user))
        )
        rows = rows.filter(Q(quiet=False) | _set_by_reader(scope))
        if near:
            rows = rows.filter(_near(user, scope)).distinct()
    found: list[Celebration] = []
    chunk = max(limit, 20) * 2 if limit else 500
    # Every celebration (a system lead's): a day at a time, ordered and cut in SQL, so that 20 are
    # read and not the keys of thousands (a national refresh finds them all the same day). A
    # reader whose rows are filtered by what they may see keeps one read of the keys: their
    # filter is the cost, and a day at a time would ask it twice or more (tried: three slow
    # queries for a partnership lead).
    ordered = _by_day(rows, chunk=chunk) if scope.is_system_lead else _in_order(rows, chunk=chunk)
    for row in ordered:
        support = row.help_request if row.kind == Celebration.Kind.SUPPORT_WORKED else None
        if support is not None and not sees_brokerage(user, support):
            continue
        found.append(row)
        if limit is not None and len(found) >= limit:
            break
    return found


def _in_order(rows: QuerySet[Celebration], *, chunk: int) -> Iterator[Celebration]:
    """The rows newest day first, then by ``FEED_ORDER``, then newest and last made first, a
    chunk at a time so that a caller may stop at its limit: the order is worked out from three
    plain columns (in SQL, the day of each row cost a Python call per row on SQLite and was
    most of a system lead's home page after a national refresh), then each chunk is read with
    its joins."""
    rank: dict[str, int] = {str(kind): n for n, kind in enumerate(FEED_ORDER)}
    keys = list(rows.order_by().values_list("pk", "found_at", "kind").distinct())
    # The local day by the zone's own conversion (``timezone.localtime`` per row was most of
    # the sort: thousands of rows after a national refresh).
    zone = timezone.get_current_timezone()
    keys.sort(
        key=lambda k: (-k[1].astimezone(zone).toordinal(), rank.get(k[2], len(FEED_ORDER)), -k[1].timestamp(), -k[0])
    )
    ids = [pk for pk, _, _ in keys]
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_pk = rows.order_by().in_bulk(part)
        yield from (by_pk[pk] for pk in part if pk in by_pk)


def _feed_rank() -> Case:
    return Case(
        *(When(kind=kind, then=Value(n)) for n, kind in enumerate(FEED_ORDER)),
        default=Value(len(FEED_ORDER)),
        output_field=IntegerField(),
    )


def _by_day(rows: QuerySet[Celebration], *, chunk: int) -> Iterator[Celebration]:
    """The rows in the order of ``_in_order``, worked out by the database a local day at a time:
    the newest row's day, found by its instant (``found_at`` is indexed); that day's rows, which
    are every row from the day's first instant on, ordered by ``FEED_ORDER``, then newest and
    last made first, and read a chunk at a time (ids, then the chunk's rows with their joins);
    then the day before the newest row older than that day, and so on while the caller reads."""
    zone = timezone.get_current_timezone()
    older = rows.order_by()
    while True:
        newest = older.order_by("-found_at").values_list("found_at", flat=True).first()
        if newest is None:
            return
        day = newest.astimezone(zone).date()
        starts = dt.datetime.combine(day, dt.time.min).replace(tzinfo=zone)
        of_the_day = (
            older.filter(found_at__gte=starts).order_by(_feed_rank(), "-found_at", "-pk").values_list("pk", flat=True)
        )
        start = 0
        while True:
            part = list(of_the_day[start : start + chunk])
            by_pk = rows.order_by().in_bulk(part)
            yield from (by_pk[pk] for pk in part if pk in by_pk)
            if len(part) < chunk:
                break
            start += chunk
        older = older.filter(found_at__lt=starts)


def celebration_for(user: AnyUser, pk: int) -> Celebration | None:
    """One celebration the reader may see, or None."""
    return next(iter(celebrations_visible_to(user, pk=pk)), None)


def celebrating_readers() -> QuerySet[User]:
    """Who may see some celebration: everyone with a role (each is told only what they may see)."""
    return User.objects.filter(memberships__isnull=False).distinct()


def schools_with_goals() -> frozenset[int]:
    """The schools with a goal not withdrawn, whoever may see it: a school outside them shows no
    goal to anyone (``figures_cache.records_holders``, kept until a goal is written)."""
    return frozenset(
        Goal.objects.filter(withdrawn_at__isnull=True, school__isnull=False).values_list("school_id", flat=True)
    )
