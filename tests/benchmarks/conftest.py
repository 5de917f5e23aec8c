"""A benchmarked platform: the register sample, context and one outcome over two years."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.benchmarks.models import Benchmark
from evenbetter.benchmarks.services import RefreshResult, benchmarks_refresh
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import academic_year

CONTEXT = ["pupils_on_roll", "percent_fsm", "percent_eal", "percent_sen"]


def _indicator(code: str, direction: str, domain: str) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name=code.replace("_", " ").capitalize(),
        unit="%",
        direction=direction,
        domain=domain,
        comparison=Indicator.Comparison.PERCENT,
    )


def reading_values() -> dict[int, float]:
    """Reading, 2018/19, by URN: the ten open primaries of the sample, 50 to 95 in fives."""
    urns = list(School.objects.exclude(status=School.Status.CLOSED).order_by("urn").values_list("urn", flat=True))
    return {urn: 50.0 + 5 * i for i, urn in enumerate(urns)}


def build_benchmarked(*, shifts: dict[int, float], reading: dict[str, object] | None = None) -> RefreshResult:
    """Context for every school of the register sample and reading for its open primaries:
    ``reading_values()`` plus ``shifts[year]`` in the academic year starting that year;
    ``reading`` changes the reading indicator (a name, headline, a standard …)."""
    context = {code: _indicator(code, Indicator.Direction.NEITHER, Indicator.Domain.CONTEXT) for code in CONTEXT}
    indicator = _indicator("reading", Indicator.Direction.HIGHER_IS_BETTER, Indicator.Domain.OUTCOMES)
    if reading:
        Indicator.objects.filter(pk=indicator.pk).update(**reading)
    values = reading_values()
    for i, school in enumerate(School.objects.order_by("urn")):
        for code, value in zip(CONTEXT, [150 + 20 * i, 5 + 2 * i, 3 + i, 10 + (i % 3)], strict=True):
            Observation.objects.create(
                school=school, indicator=context[code], period="2018/19", period_start=dt.date(2018, 9, 1), value=value
            )
        if school.urn in values:
            for year, shift in shifts.items():
                Observation.objects.create(
                    school=school,
                    indicator=indicator,
                    period=academic_year(year),
                    period_start=dt.date(year, 9, 1),
                    value=values[school.urn] + shift,
                )
    return benchmarks_refresh()


@pytest.fixture
def benchmarked(register: ImportRun) -> RefreshResult:
    """Reading over two years, ten points lower in the first."""
    return build_benchmarked(shifts={2017: -10, 2018: 0})


STRONG_YEARS = (("2016/17", "2016-09-01"), ("2017/18", "2017-09-01"), ("2018/19", "2018-09-01"))


def strong_three_years(school: School, code: str, name: str, *, public: bool) -> Indicator:
    """An indicator the school is in its family's top quarter of three years running."""
    indicator = Indicator.objects.create(
        code=code, name=name, unit="score", direction="higher", domain="outcomes", comparison="score",
        decimal_places=1, is_public=public,
    )  # fmt: skip
    for period, start in STRONG_YEARS:
        Benchmark.objects.create(
            school=school, indicator=indicator, period=period, period_start=start, value=3.0,
            family_percentile=90.0, family_count=20,
        )  # fmt: skip
    return indicator
