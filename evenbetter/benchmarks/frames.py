"""Reads of the register and the store into data frames, for families and benchmarks.

Reads only: families, benchmarks and comparator sets are written in ``services.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School

# Each context variable of a family, the indicator it is read from, and its weight.
# The weights can be set with EVENBETTER_FAMILY_WEIGHTS (see config/settings.py).
FAMILY_CONTEXT: dict[str, tuple[str, str]] = {
    "pupils_on_roll": ("pupils_on_roll", "Pupils on roll"),
    "percent_fsm": ("percent_fsm", "% free school meals (last six years)"),
    "percent_eal": ("percent_eal", "% English as an additional language"),
    "percent_sen": ("percent_sen", "% SEN support"),
    "percent_ehc_plan": ("percent_ehc_plan", "% EHC plan"),
    "prior_attainment": ("ks2_tks1average", "Prior attainment (KS1 average of the KS2 cohort)"),
}


def context_frame(*, include_closed: bool = False) -> pd.DataFrame:
    """One row per school: id, phase, place, authority and each context variable's latest value.

    Pupils on roll fall back to the register's figure where no census value is held.
    """
    schools = School.objects.all() if include_closed else School.objects.exclude(status=School.Status.CLOSED)
    frame = pd.DataFrame.from_records(
        schools.values_list("pk", "phase", "la_code", "latitude", "longitude", "pupils_on_roll"),
        columns=["school_id", "phase", "locality", "latitude", "longitude", "register_roll"],
    )
    codes = {code: variable for variable, (code, _) in FAMILY_CONTEXT.items()}
    latest = pd.DataFrame.from_records(
        Observation.objects.filter(indicator__code__in=codes, value__isnull=False).values_list(
            "school_id", "indicator__code", "period_start", "value"
        ),
        columns=["school_id", "code", "period_start", "value"],
    )
    for variable in FAMILY_CONTEXT:
        frame[variable] = np.nan
    if not latest.empty:
        latest = latest.sort_values("period_start").groupby(["school_id", "code"]).tail(1)
        wide = latest.pivot(index="school_id", columns="code", values="value").rename(columns=codes)
        for variable in wide.columns:
            frame[variable] = frame["school_id"].map(wide[variable])
    frame["pupils_on_roll"] = frame["pupils_on_roll"].fillna(frame["register_roll"].astype(float))
    return frame.drop(columns=["register_roll"])


def values_frame(indicator_ids: list[int]) -> pd.DataFrame:
    """Every value held of these indicators, one row each."""
    return _frame_with_dates(
        Observation.objects.filter(indicator_id__in=indicator_ids, value__isnull=False),
        ["school_id", "indicator_id", "period", "period_start", "value"],
    )


def cohorts_frame(cohort_codes: set[str]) -> pd.DataFrame:
    """The cohort sizes behind values (the indicators named by ``cohort_indicator``)."""
    return pd.DataFrame.from_records(
        Observation.objects.filter(indicator__code__in=cohort_codes, value__isnull=False).values_list(
            "school_id", "indicator__code", "period", "value"
        ),
        columns=["school_id", "code", "period", "cohort"],
    )


STRENGTHS_INPUT = ["school_id", "indicator", "period", "period_start", "value", "family_percentile", "small_cohort"]


BENCHMARK_ROWS = ["school_id", "indicator_id", "period", "period_start", "value", "family_percentile", "small_cohort"]


def benchmarks_of_schools(*, between: tuple[int, int]) -> pd.DataFrame:
    """Every benchmark of the schools whose ids are in ``[first, last)``, by school, indicator and
    period (oldest first), columns ``BENCHMARK_ROWS``: read once for what strengths are worked out
    from (``strengths_input``) and for the values shown beside them (the refresh keeps both)."""
    first, last = between
    rows = Benchmark.objects.filter(school_id__gte=first, school_id__lt=last).order_by(
        "school_id", "indicator_id", "period_start"
    )
    return _frame_with_dates(rows, BENCHMARK_ROWS)


def strengths_input(benchmarks: pd.DataFrame, *, public_only: bool = False) -> pd.DataFrame:
    """The rows of ``benchmarks_of_schools`` that strengths and areas to develop are worked out
    from, columns ``STRENGTHS_INPUT``: a family percentile, and an indicator that describes the
    school's work (confidence in the evidence describes the data, not the school's work: not a
    strength). ``public_only``: published indicators only."""
    left_out = Indicator.objects.filter(domain=Indicator.Domain.DATA_QUALITY)
    if public_only:
        left_out = left_out | Indicator.objects.filter(is_public=False)
    left_out_ids = list(left_out.values_list("pk", flat=True))
    chosen = benchmarks[benchmarks["family_percentile"].notna() & ~benchmarks["indicator_id"].isin(left_out_ids)]
    return chosen.set_axis(STRENGTHS_INPUT, axis="columns").reset_index(drop=True)


def strengths_input_frame(*, between: tuple[int, int], public_only: bool = False) -> pd.DataFrame:
    """The benchmarks that strengths and areas to develop are worked out from, for the schools
    whose ids are in ``[first, last)``: one school's page (``strengths_input``'s rule)."""
    return strengths_input(benchmarks_of_schools(between=between), public_only=public_only)


def _frame_with_dates(rows: QuerySet[Any], fields: list[str]) -> pd.DataFrame:
    """These fields of the rows, ``period_start`` read as the database's ISO text and made dates
    in one pass: Django's converter parses each row's date in Python, which was half of reading
    the 600,000 values or benchmarks of the demo's refresh (the same ``datetime.date`` values)."""
    frame = pd.DataFrame.from_records(
        rows.annotate(period_start_text=Cast("period_start", CharField())).values_list(
            *("period_start_text" if field == "period_start" else field for field in fields)
        ),
        columns=fields,
    )
    if len(frame):
        frame["period_start"] = pd.to_datetime(frame["period_start"], format="%Y-%m-%d").dt.date
    return frame
