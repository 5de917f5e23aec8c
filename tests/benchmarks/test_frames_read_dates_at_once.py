"""The refresh's frames read each value's period start as the database's ISO text and make the
dates in one pass (``benchmarks.frames._frame_with_dates``): the very frame the ORM's own read
(a date parsed per row) gives, on either database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from evenbetter.benchmarks.frames import STRENGTHS_INPUT, strengths_input_frame, values_frame
from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked

pytestmark = pytest.mark.django_db

FIELDS = ["school_id", "indicator_id", "period", "period_start", "value"]


def _as_the_orm_reads(rows: object, fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows.values_list(*fields), columns=fields)  # type: ignore[attr-defined]


def test_the_values_frame_is_the_orms_read(register: object) -> None:
    build_benchmarked(shifts={2017: -3.0, 2018: 0.0})
    # Dates of every shape: a leap day, the turn of a century, a day and month under ten.
    reading = Indicator.objects.get(code="reading")
    for school, day in zip(
        School.objects.order_by("urn")[:4],
        [dt.date(2020, 2, 29), dt.date(2000, 1, 1), dt.date(1999, 12, 31), dt.date(2019, 9, 3)],
        strict=True,
    ):
        Observation.objects.create(school=school, indicator=reading, period=day.isoformat(), period_start=day, value=7)
    ids = list(Indicator.objects.values_list("pk", flat=True))

    read = values_frame(ids)

    expected = _as_the_orm_reads(Observation.objects.filter(indicator_id__in=ids, value__isnull=False), FIELDS)
    assert len(read) == len(expected) > 40
    pd.testing.assert_frame_equal(read, expected)
    assert {type(day) for day in read["period_start"]} == {dt.date}
    assert dt.date(2020, 2, 29) in set(read["period_start"])


def test_the_strengths_input_is_the_orms_read(register: object) -> None:
    build_benchmarked(shifts={2017: -3.0, 2018: 0.0})
    first, last = School.objects.order_by("pk")[0].pk, School.objects.order_by("-pk")[0].pk + 1

    read = strengths_input_frame(between=(first, last))

    fields = ["school_id", "indicator_id", "period", "period_start", "value", "family_percentile", "small_cohort"]
    expected = _as_the_orm_reads(
        Benchmark.objects.filter(school_id__gte=first, school_id__lt=last, family_percentile__isnull=False).order_by(
            "school_id", "indicator_id", "period_start"
        ),
        fields,
    ).set_axis(STRENGTHS_INPUT, axis="columns")
    assert len(read) == len(expected) > 10
    pd.testing.assert_frame_equal(read, expected)


def test_no_rows_give_an_empty_frame_with_the_columns(db: None) -> None:
    assert list(values_frame([])) == FIELDS and values_frame([]).empty
