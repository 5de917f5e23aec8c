"""Pulse surveys for the tests: one opened by a school's leader, and answers given in bulk
through the service (the public page's own tests post through it)."""

from __future__ import annotations

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from evenbetter.voice.models import PulseSurvey
from evenbetter.voice.services import pulse_answer_record, pulse_surveys_open


def open_survey(user: User, school: School, audience: str = "pupils-primary") -> PulseSurvey:
    return pulse_surveys_open(user=user, schools=[school], audience=audience)[0]


def answer(survey: PulseSurvey, *, agreeing: int, total: int, comment: str = "") -> None:
    """``total`` answers, the first ``agreeing`` of them with the scale's top choice on every
    question and the rest with its last."""
    scale = survey.audience_info.scale
    for i in range(total):
        choice = scale[0].code if i < agreeing else scale[-1].code
        pulse_answer_record(survey=survey, choices=dict.fromkeys(survey.questions, choice), comment=comment)
