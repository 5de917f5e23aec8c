"""Concerns kept as an indicator, so that the trigger, the benchmarks and the early-warning
model read them like any other leading indicator.

``concerns_term``: live concerns (neither withdrawn nor closed) raised about the school in the
term (120 days) up to each academic year's end, or today for the year under way; 0 for every
open school without one, from the first year with a concern. Not published data: only the
school's own people and those who see it in full see it.
"""

from __future__ import annotations

import pandas as pd
from django.db.models.functions import TruncDate
from django.utils import timezone

from evenbetter.analytics.concerns import TERM_DAYS, concerns_in_window
from evenbetter.concerns.models import Concern
from evenbetter.concerns.selectors import LIVE
from evenbetter.indicators.computed import ComputedIndicators, Measured, register
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.indicators.store import StagedObservation, local_definition
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import academic_year, academic_year_end, academic_year_of, parse_period, start_year

SOURCE = "Concerns raised on Even Better by people who work with the school"

CONCERN_INDICATORS = [
    local_definition(
        "concerns_term",
        "Concerns raised in the last term",
        "concerns",
        Indicator.Direction.LOWER_IS_BETTER,
        Indicator.Domain.WELLBEING,
        Indicator.Comparison.COUNT,
        f"Concerns about the school raised by people who work with it in the {TERM_DAYS} days to the year's end "
        "(or today), not withdrawn or closed by a lead.",
        source=SOURCE,
    )
]


@register
class Concerns(ComputedIndicators):
    code = "concerns"
    name = "Collective concerns"
    owner = "concerns"
    definitions = CONCERN_INDICATORS

    def measure(self) -> Measured:
        today = timezone.localdate()
        rows = pd.DataFrame(
            list(
                Concern.objects.filter(status__in=LIVE)
                .annotate(raised_on=TruncDate("raised_at"))
                .values("school_id", "raised_on")
            ),
            columns=["school_id", "raised_on"],
        )
        first = Concern.objects.order_by("raised_at").values_list("raised_at", flat=True).first()
        if first is None:
            return Measured([], 0, {"periods": []})
        first_year = start_year(academic_year_of(timezone.localtime(first).date()))
        periods = [academic_year(year) for year in range(first_year, start_year(academic_year_of(today)) + 1)]
        school_ids = list(School.objects.exclude(status=School.Status.CLOSED).values_list("pk", flat=True))
        staged = []
        for period in periods:
            period_text, period_start = parse_period(period)
            as_of = min(academic_year_end(period), today)
            counts = concerns_in_window(rows, school_ids, as_of)
            for school_id, count in zip(counts.index.tolist(), counts.tolist(), strict=True):
                staged.append(
                    StagedObservation(
                        int(school_id),
                        "concerns_term",
                        period_text,
                        period_start,
                        float(count),
                        Observation.Status.VALUE,
                        False,
                        0,
                        "concerns_term",
                    )
                )
        return Measured(staged, len(rows), {"periods": periods}, rows_accepted=len(staged))
