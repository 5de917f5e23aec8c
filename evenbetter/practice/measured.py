"""Practice measured, not only reported: what changed at the schools that tried an item,
against their families over the same years, and pooled over those schools.

Each try is measured as a support is (``benchmarks.change``, the one home of that
measurement; arithmetic in ``analytics.impact``): on every indicator of the item's areas,
from the academic year before the school started to the latest published year from the
one it started in, against its family of similar schools without the schools that also
tried or shared the item (their results may have moved with it). The tries' results on one
indicator are pooled by inverse variance (``analytics.impact.pooled_impact``); an item's
headline is its first indicator that could be judged, as a support's is.

Worked out by the refresh after imports (``practice/jobs.py``) and when a school says it
tried an item or an item's areas change (``services``); pages only read the rows kept.

Who sees it: every reader of the library sees every try of an item they may see (the
existing rule, ``selectors``), and the measurement rests on published results, so the
pooled figures, over every try of the item, are the same for every reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from evenbetter.analytics.impact import BETTER, TOO_FEW, UNCLEAR, WORSE, ImpactEstimate, pooled_impact
from evenbetter.benchmarks.change import IndicatorImpact, Values, area_indicators, change_against_family, unit_words
from evenbetter.indicators.models import Indicator
from evenbetter.practice.models import EVIDENCE_RANK, PracticeItem, Tried, Verdict
from evenbetter.vocabulary.periods import academic_year, academic_year_of, start_year

VERDICTS = {BETTER: Verdict.BETTER, UNCLEAR: Verdict.UNCLEAR, WORSE: Verdict.WORSE, TOO_FEW: Verdict.TOO_FEW}
JUDGED = (Verdict.BETTER, Verdict.UNCLEAR, Verdict.WORSE)


def years_of(started_on: dt.date) -> tuple[str, str]:
    """The year before a school started (its "before") and the year it started in (the first
    "after" that can count): started 2018-01-10, before 2016/17, after from 2017/18."""
    started_in = academic_year_of(started_on)
    return academic_year(start_year(started_in) - 1), started_in


def item_indicators(item: PracticeItem, known: dict[str, list[Indicator]] | None = None) -> list[Indicator]:
    """The indicators of the item's areas (in the order its areas were given, each area's own
    order within), each once."""
    known = {} if known is None else known
    found: dict[int, Indicator] = {}
    for area in sorted(item.areas.all(), key=lambda a: a.pk):
        if area.area not in known:
            known[area.area] = area_indicators(area.area)
        for indicator in known[area.area]:
            found.setdefault(indicator.pk, indicator)
    return list(found.values())


def try_lines(
    tried: Tried, indicators: list[Indicator], leave_out: set[int], values: Values | None = None
) -> list[IndicatorImpact]:
    before, after_from = years_of(tried.started_on)
    return change_against_family(
        school_id=tried.school_id,
        indicators=indicators,
        before=before,
        after_from=after_from,
        leave_out=leave_out - {tried.school_id},
        latest=True,
        event="it started",
        alongside="the practice",
        values=values,
    )


def line_verdict(line: IndicatorImpact) -> Verdict:
    if line.estimate is not None:
        return VERDICTS[line.estimate.verdict]
    return Verdict.NOT_YET if line.not_yet else Verdict.NO_BEFORE


@dataclass
class Pooled:
    indicator: Indicator
    tried: int
    verdict: Verdict
    words: str
    schools: int = 0
    effect: float | None = None
    low: float | None = None
    high: float | None = None
    standard_error: float | None = None
    strength: float | None = None


def pool(indicator: Indicator, lines: list[IndicatorImpact]) -> Pooled:
    """One indicator's lines, one per school that tried the item, pooled (or why not)."""
    tried = len(lines)
    estimates: list[ImpactEstimate] = [line.estimate for line in lines if line.estimate is not None]
    pooled = pooled_impact(estimates)
    if pooled is not None:
        return Pooled(
            indicator, tried, VERDICTS[pooled.verdict],
            pooled.describe(indicator.name, unit_words(indicator), tried=tried),
            schools=pooled.schools, effect=pooled.effect, low=pooled.low, high=pooled.high,
            standard_error=pooled.standard_error, strength=pooled.strength,
        )  # fmt: skip
    schools = f"{tried} school{'' if tried == 1 else 's'} that tried it"
    if estimates:
        words = (
            f"{indicator.name}: measured at {len(estimates)} of the {schools}, but with too few similar schools "
            "to tell their change from chance."
        )
        return Pooled(indicator, tried, Verdict.TOO_FEW, words)
    if any(line.not_yet for line in lines):
        words = f"{indicator.name}: not measured yet — the results from after the {schools} started are not in."
        return Pooled(indicator, tried, Verdict.NOT_YET, words)
    words = f"{indicator.name}: the {schools} have no result from the year before they started, so nothing to compare."
    return Pooled(indicator, tried, Verdict.NO_BEFORE, words)


@dataclass
class ItemMeasure:
    """An item's tries measured, its pooled results and its headline."""

    lines: dict[int, list[IndicatorImpact]] = field(default_factory=dict)  # by try
    pooled: list[Pooled] = field(default_factory=list)
    verdict: Verdict = Verdict.NOT_YET
    strength: float | None = None
    words: str = ""

    @property
    def rank(self) -> int:
        return EVIDENCE_RANK[self.verdict]


def measure_item(
    item: PracticeItem, known: dict[str, list[Indicator]] | None = None, values: Values | None = None
) -> ItemMeasure:
    indicators = item_indicators(item, known)
    if not indicators:
        return ItemMeasure(verdict=Verdict.NO_INDICATOR, words="No published result measures its areas.")
    tries = list(item.tries.all())
    if not tries:
        return ItemMeasure(verdict=Verdict.NOT_YET, words="Not measured yet: no school has said it tried it.")
    leave_out = {tried.school_id for tried in tries} | {school.pk for school in item.schools.all()}
    measure = ItemMeasure(lines={tried.pk: try_lines(tried, indicators, leave_out, values) for tried in tries})
    for position, indicator in enumerate(indicators):
        measure.pooled.append(pool(indicator, [lines[position] for lines in measure.lines.values()]))
    # The headline: the first indicator that could be judged, as for a support; otherwise the
    # nearest any came to a measurement.
    headline = next((p for p in measure.pooled if p.verdict in JUDGED), None)
    if headline is None:
        headline = min(measure.pooled, key=lambda p: EVIDENCE_RANK[p.verdict])
    measure.verdict, measure.strength, measure.words = headline.verdict, headline.strength, headline.words
    return measure
