"""Hand-made figures for goals: a reading measure with its cohorts, values by academic year."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School

# The machine's today is what a goal's date is checked against: periods are chosen around it.
THIS_YEAR = dt.date.today().year if dt.date.today().month >= 9 else dt.date.today().year - 1


def year(offset: int = 0) -> str:
    """The academic year ``offset`` years from this one: ``year(-1)`` is last year."""
    start = THIS_YEAR + offset
    return f"{start}/{(start + 1) % 100:02d}"


def indicator(
    code: str, *, direction: str = "higher", public: bool = True, cohort: str = "", unit: str = "%",
    domain: str = "outcomes",
) -> Indicator:  # fmt: skip
    return Indicator.objects.create(
        code=code, name=code.replace("_", " ").capitalize(), unit=unit, direction=direction, domain=domain,
        comparison="percent", is_public=public, cohort_indicator=cohort, minimum=0, maximum=100 if unit == "%" else None,
    )  # fmt: skip


def value(school: School, measure: Indicator, period: str, figure: float) -> Observation:
    return Observation.objects.create(
        school=school, indicator=measure, period=period, period_start=dt.date(int(period[:4]), 9, 1), value=figure
    )


def benchmark(school: School, measure: Indicator, period: str, figure: float, **fields: object) -> Benchmark:
    return Benchmark.objects.create(
        school=school, indicator=measure, period=period, period_start=dt.date(int(period[:4]), 9, 1), value=figure,
        **fields,
    )  # fmt: skip


@pytest.fixture
def reading(register: object) -> Indicator:
    return indicator("ks2_reading", cohort="ks2_pupils")


@pytest.fixture
def pupils(register: object) -> Indicator:
    return indicator("ks2_pupils", unit="pupils")


@pytest.fixture
def staff_survey(register: object) -> Indicator:
    """A local record (not published): like a pulse survey's share agreeing."""
    return indicator("staff_trust", public=False, domain="wellbeing")
