"""Every write of the pulse surveys: opening, closing, and recording one anonymous answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.jobs.services import refresh_wanted
from evenbetter.schools.models import School
from evenbetter.vocabulary.voice import AUDIENCE_BY_CODE, ENGLISH, MIN_ANSWERS, questions_for
from evenbetter.voice.models import PulseAnswer, PulseSurvey
from evenbetter.voice.selectors import schools_surveyed_by

COMMENT_MAX = 2000


class SurveyClosed(Exception):
    """The survey takes no more answers."""


class AnswerRejected(Exception):
    """An answer that is not one the survey can take: says what is wrong, in plain words."""


def pulse_surveys_open(
    *, user: User, schools: Iterable[School], audience: str, closes_on: dt.date | None = None
) -> list[PulseSurvey]:
    """Open one survey of ``audience`` for each school (all or none), each with its own link."""
    chosen = list(schools)
    allowed = set(schools_surveyed_by(user).filter(pk__in=[s.pk for s in chosen]).values_list("pk", flat=True))
    refused = [school.name for school in chosen if school.pk not in allowed]
    if refused:
        raise PermissionDenied(f"You may not open a pulse survey for {', '.join(refused)}.")
    if audience not in AUDIENCE_BY_CODE:
        raise ValueError(f"{audience!r} is not an audience of the question library")
    questions = [question.code for question in questions_for(audience)]
    with transaction.atomic():
        return [
            PulseSurvey.objects.create(
                school=school,
                audience=audience,
                language=ENGLISH,
                questions=questions,
                opened_by=user,
                closes_on=closes_on,
            )
            for school in chosen
        ]


def pulse_survey_close(*, user: User, survey: PulseSurvey) -> PulseSurvey:
    """Close the survey: it takes no more answers, and its results are kept as indicators at the
    next refresh (asked for now)."""
    if not schools_surveyed_by(user).filter(pk=survey.school_id).exists():
        raise PermissionDenied("You may not close this school's pulse survey.")
    if survey.closed_at is None:
        survey.closed_at = timezone.now()
        survey.closed_by = user
        survey.save(update_fields=["closed_at", "closed_by"])
        refresh_wanted(reason=f"pulse survey {survey.pk} closed")
    return survey


def pulse_answer_record(*, survey: PulseSurvey, choices: dict[str, str], comment: str = "") -> PulseAnswer:
    """Keep one respondent's answers, with nothing that identifies them.

    Refused when the survey is closed (checked with its row locked, so an answer racing the
    close is either in before it or not kept), or when a question is unanswered or an answer
    is not on the scale. The answer that brings a survey to the threshold asks for a refresh,
    so that its results are kept as indicators from then on.
    """
    scale = {choice.code for choice in survey.audience_info.scale}
    missing = [code for code in survey.questions if choices.get(code) not in scale]
    if missing:
        raise AnswerRejected("Please answer every question: " + ", ".join(missing) + ".")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise AnswerRejected(f"Please keep your words to {COMMENT_MAX:,} characters.")
    with transaction.atomic():
        locked = PulseSurvey.objects.select_for_update().get(pk=survey.pk)
        if not locked.is_open():
            raise SurveyClosed("This survey has closed and takes no more answers.")
        answer = PulseAnswer.objects.create(
            survey=locked, choices={code: choices[code] for code in locked.questions}, comment=comment
        )
        if PulseAnswer.objects.filter(survey=locked).count() == MIN_ANSWERS:
            refresh_wanted(reason=f"pulse survey {locked.pk} reached {MIN_ANSWERS} answers")
    return answer
