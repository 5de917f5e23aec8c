"""Pulse-survey results kept as indicators, so that benchmarks, families, trends and triggers
read them like any other value.

For each school, group of respondents (pupils, parents and carers, staff) and academic year
(the year each survey opened in), the answers of all that year's surveys of the group are
pooled: each question's share agreeing is ``pulse_<group>_<question>`` and the number who
answered is ``pulse_<group>_answers``, the results' cohort. Fewer than ``MIN_ANSWERS`` answers
and every one of them is kept as *suppressed*, never as a figure. Open surveys count with the
answers they have so far, so a refresh (asked for when a survey reaches the threshold and when
it closes, and run after every import) keeps the year's results up to date.

These are local records (``is_public`` off): only the school's own people and those who see it
in full see them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from functools import partial

from django.utils import timezone

from evenbetter.indicators.computed import ComputedIndicators, Measured, register
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.indicators.store import IndicatorDefinition, StagedObservation, local_definition
from evenbetter.vocabulary.periods import academic_year_of, parse_period
from evenbetter.vocabulary.voice import (
    AUDIENCE_BY_CODE,
    GROUP_NAMES,
    MIN_ANSWERS,
    Result,
    answers_code,
    groups,
    indicator_code,
    questions_of_group,
    tally,
)
from evenbetter.voice.models import PulseAnswer, PulseSurvey

SOURCE = "Pulse surveys run in Even Better"
_local = partial(local_definition, source=SOURCE)
HIGHER, D, C = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Domain, Indicator.Comparison
# The questions a trigger reads are the school page's headline charts.
HEADLINE = {"happy", "safe", "trust", "raise_problems"}
# Parents and carers answer about their child (and, for being listened to, about themselves).
PARENT_NAMES = {
    "happy": "say their child is happy at school",
    "healthy": "say the school helps their child to be healthy",
    "safe": "say their child feels safe at school",
    "belonging": "say their child feels they belong at school",
    "listened_to": "feel the school listens to them",
}


def _definitions() -> list[IndicatorDefinition]:
    definitions = []
    for group in groups():
        who = GROUP_NAMES[group]
        count = answers_code(group)
        for question in questions_of_group(group):
            said = PARENT_NAMES[question.code] if group == "parents" else f"say they {question.name}"
            definition = _local(
                indicator_code(group, question.code),
                f"{who.capitalize()} who {said}",
                "%",
                HIGHER,
                D.WELLBEING,
                C.PERCENT,
                f"Share of {who} answering a pulse survey who agree (the top two answers of the scale); "
                f"fewer than {MIN_ANSWERS} answers is kept as suppressed.",
                headline=question.code in HEADLINE,
                decimals=1,
                maximum=100,
            )
            definitions.append(replace(definition, cohort_indicator=count))
        definitions.append(
            _local(
                count,
                f"{who.capitalize()} answering pulse surveys",
                "answers",
                Indicator.Direction.NEITHER,
                D.WELLBEING,
                C.COUNT,
                f"How many {who} answered the school's pulse surveys in the year; fewer than {MIN_ANSWERS} "
                "is kept as suppressed.",
            )
        )
    return definitions


PULSE_INDICATORS = _definitions()


def measure_pulse(answers: list[tuple[int, str, str, dict[str, str]]]) -> list[tuple[int, str, str, float | None]]:
    """(school id, indicator code, academic year, share or None when suppressed) from answers given
    as (school id, audience, academic year, choices)."""
    pooled: dict[tuple[int, str, str], dict[str, Result]] = defaultdict(dict)
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for school_id, audience, period, choices in answers:
        group = AUDIENCE_BY_CODE[audience].group
        key = (school_id, group, period)
        counts[key] += 1
        for code in choices:
            result = tally([choices], code, audience)
            pooled[key][code] = pooled[key].get(code, Result(0, 0)) + result
    found: list[tuple[int, str, str, float | None]] = []
    for (school_id, group, period), results in sorted(pooled.items()):
        answered = Result(counts[(school_id, group, period)], 0)
        found.append((school_id, answers_code(group), period, None if answered.suppressed else answered.answered))
        for code, result in results.items():
            found.append((school_id, indicator_code(group, code), period, result.share_agreeing))
    return found


@register
class PulseSurveys(ComputedIndicators):
    code = "pulse_surveys"
    name = "Pulse surveys"
    owner = "voice"
    definitions = PULSE_INDICATORS

    def measure(self) -> Measured:
        tz = timezone.get_current_timezone()
        years = {
            pk: academic_year_of(opened_at.astimezone(tz).date())
            for pk, opened_at in PulseSurvey.objects.values_list("pk", "opened_at")
        }
        rows = [
            (school_id, audience, years[survey_id], choices)
            for survey_id, school_id, audience, choices in PulseAnswer.objects.values_list(
                "survey_id", "survey__school_id", "survey__audience", "choices"
            )
        ]
        staged = []
        for school_id, code, period, value in measure_pulse(rows):
            period_text, period_start = parse_period(period)
            status = Observation.Status.VALUE if value is not None else Observation.Status.SUPPRESSED
            staged.append(StagedObservation(school_id, code, period_text, period_start, value, status, False, 0, code))
        return Measured(staged, len(rows), {"answers": len(rows)}, rows_accepted=len(rows))
