"""The benchmarks' panels: "Even better" on the school page (charts, comparator sets,
strengths, its family), the shared outcomes on a partnership's page, and the profile's
benchmarks and strengths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from reportlab.platypus.flowables import Flowable

from evenbetter.benchmarks.models import ComparatorSet
from evenbetter.benchmarks.selectors import (
    IndicatorBenchmark,
    can_manage_comparator_sets,
    comparator_sets_visible_to,
    family_of_school,
    group_outcomes,
    school_benchmarks,
    school_strengths,
)
from evenbetter.indicators.figures_cache import figures_key
from evenbetter.indicators.selectors import generated_values_of
from evenbetter.jobs.selectors import Freshness, freshness
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.access import school_access
from evenbetter.schools.models import School
from evenbetter.schools.profile import DASH, ProfileSection
from evenbetter.schools.profile_pdf import bullets, para, table
from evenbetter.schools.selectors import partnership_memberships

CHART_SCRIPTS = ["web/vendor/chart.umd.min.js", "web/charts.js"]


def comparator_from_request(request: HttpRequest, school: School) -> ComparatorSet | None:
    """The comparator set asked for in ``?compare=``, if the user may see it; None for the family."""
    wanted = request.GET.get("compare", "")
    if not wanted or wanted == "family":
        return None
    if not wanted.isdigit():
        raise Http404("No such comparator set.")
    comparator = comparator_sets_visible_to(request.user, school).filter(pk=int(wanted)).first()
    if comparator is None:
        raise Http404("No such comparator set for this school.")
    return comparator


GLANCE_LINES = 3


@dataclass(frozen=True)
class GlanceLine:
    """A strength or an area to develop in plain words, with its values over time."""

    text: str
    name: str
    values: list[tuple[str, float]]
    label_for: Any
    generated: bool


@register
class GlanceStrengths(Panel):
    """At a glance: three strengths and three areas to develop against similar schools, each
    with a sparkline of its values (the benchmark panel's own figures: ``school_strengths``,
    ``school_benchmarks``)."""

    page = "glance"
    order = 100
    template = "benchmarks/_glance.html"
    title = "Against schools like this one"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Drawn from the school's benchmarks and its values alone, as far as the reader's
        # access shows them (published only, or local records too): the same for every reader
        # with the same access, until the next write of values or benchmarks.
        return figures_key("panel:glance-strengths", scope=(subject.pk, school_access(request.user, subject).name))

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        found = school_strengths(user=request.user, school=school)
        shown = found.strengths[:GLANCE_LINES] + found.areas[:GLANCE_LINES]
        points: dict[int, list[tuple[str, float]]]
        if all(line.points is not None and line.generated is not None for line in shown):
            # Kept with the lines by the refresh: no read of the benchmarks or of the values.
            points = {line.indicator.pk: list(line.points or ()) for line in shown}
            generated = {line.indicator.pk for line in shown if line.generated}
        else:
            wanted = {line.indicator.pk for line in shown}
            points = (
                {
                    entry.indicator.pk: [(p.period, p.value) for p in entry.points]
                    for entry in school_benchmarks(user=request.user, school=school, indicator_ids=wanted)
                }
                if wanted
                else {}
            )
            generated = (
                {indicator for indicator, _ in generated_values_of(school, request=request)} if wanted else set()
            )

        def glance(lines: list[Any]) -> list[GlanceLine]:
            return [
                GlanceLine(
                    line.brief or line.text,
                    line.indicator.name,
                    points.get(line.indicator.pk, []),
                    line.indicator.label_for,
                    line.indicator.pk in generated,
                )
                for line in lines[:GLANCE_LINES]
            ]

        return {
            "glance_strengths": glance(found.strengths),
            "glance_areas": glance(found.areas),
            "more_strengths": max(len(found.strengths) - GLANCE_LINES, 0),
            "more_areas": max(len(found.areas) - GLANCE_LINES, 0),
        }


@register
class EvenBetter(Panel):
    page = "school"
    order = 200
    template = "benchmarks/_panel.html"
    title = "Even better"
    slug = "even-better"
    section_scripts = CHART_SCRIPTS

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        # ?compare= picks a comparator set the reader may see; a set they may not is a 404.
        comparator = comparator_from_request(request, school)
        benchmarks = school_benchmarks(user=request.user, school=school, comparator=comparator)
        return {
            "benchmark_charts": [
                (entry, f"bench-{entry.indicator.code}", entry.chart_data(school.name))
                for entry in benchmarks
                if entry.indicator.headline
            ],
            "benchmark_others": [entry for entry in benchmarks if not entry.indicator.headline],
            "comparator": comparator,
            "comparator_sets": comparator_sets_visible_to(request.user, school),
            "can_manage_comparators": can_manage_comparator_sets(request.user, school),
            "strengths": school_strengths(user=request.user, school=school),
            "family": family_of_school(user=request.user, school=school, limit=8),
        }

    def scripts(self, context: dict[str, Any]) -> list[str]:
        return CHART_SCRIPTS if context["benchmark_charts"] else []


@register
class SharedOutcomes(Panel):
    page = "partnership"
    order = 100
    template = "benchmarks/_partnership_outcomes.html"
    title = "Shared outcomes"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        memberships = partnership_memberships(user=request.user, partnership=subject)
        members = School.objects.filter(pk__in=[m.school_id for m in memberships if m.left_on is None])
        return {"outcomes": group_outcomes(user=request.user, schools=members)}


# --- the profile ------------------------------------------------------------------------------


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
class BenchmarksSection:
    comparison: str
    rows: list[BenchmarkRow]
    freshness: Freshness  # of every derived figure in the profile: families, benchmarks, strengths

    @property
    def has_generated(self) -> bool:
        return any(row.generated for row in self.rows)


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


@register
class AgainstSimilarSchools(ProfileSection):
    key = "benchmarks"
    order = 200
    template = "benchmarks/_profile_benchmarks.html"
    title = "Against similar schools"

    def section(self, request: HttpRequest, school: School) -> BenchmarksSection:
        benchmarks = school_benchmarks(user=request.user, school=school, headline_only=True)
        generated = generated_values_of(school, request=request)
        return BenchmarksSection(
            comparison=benchmarks[0].comparison_label if benchmarks else "similar schools",
            rows=[_benchmark_row(entry, generated) for entry in benchmarks],
            freshness=freshness(),
        )

    def pdf_flowables(self, section: BenchmarksSection) -> list[Flowable]:
        fresh = section.freshness
        story: list[Flowable] = [
            para("Against similar schools", "h2"),
            para(fresh.as_at_words + (f" Being updated: {fresh.updating_words}" if fresh.is_stale else ""), "muted"),
        ]
        if not section.rows:
            story.append(para("No headline indicator has been benchmarked for this school yet.", "muted"))
            return story
        story.append(
            para(
                f"Each headline indicator's latest period against its family of {section.comparison}: their median, "
                "the middle half of them, how many of them it does better than, and the even-better target "
                "(their upper quartile on the better side).",
                "muted",
            )
        )
        rows = [
            [
                para(
                    b.indicator + (" (small cohort: read with care)" if b.small_cohort else ""),
                    "cell",
                    generated=b.generated,
                ),
                para(b.period, "cell"),
                para(b.value, "num"),
                para(b.median, "num"),
                para(b.middle_half, "cell"),
                para(b.better_than, "cell"),
                para(b.target, "cell"),
            ]
            for b in section.rows
        ]
        header = ["Indicator", "Period", "Value", "Family median", "Middle half", "Standing", "Even-better target"]
        story.append(table(header, rows, [0.22, 0.09, 0.1, 0.1, 0.15, 0.17, 0.17]))
        return story


@dataclass(frozen=True)
class StrengthsSection:
    strengths: list[str]
    areas: list[str]

    @property
    def has_generated(self) -> bool:
        return False


@register
class Strengths(ProfileSection):
    key = "strengths"
    order = 150  # at a glance on the school page: first here too
    template = "benchmarks/_profile_strengths.html"
    title = "Strengths and areas to develop"

    def section(self, request: HttpRequest, school: School) -> StrengthsSection:
        strengths = school_strengths(user=request.user, school=school)
        return StrengthsSection(
            strengths=[line.text for line in strengths.strengths], areas=[line.text for line in strengths.areas]
        )

    def pdf_flowables(self, section: StrengthsSection) -> list[Flowable]:
        return [
            para("Strengths", "h2"),
            bullets(section.strengths) if section.strengths else para("None stands out yet.", "muted"),
            para("Areas to develop", "h2"),
            bullets(section.areas) if section.areas else para("None stands out yet.", "muted"),
            para(
                "Compared with its family only, over up to three years; one year in the top or bottom quarter is "
                "not enough unless it is the only year held.",
                "muted",
            ),
        ]
