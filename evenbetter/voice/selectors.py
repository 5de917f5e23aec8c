"""Every read of the pulse surveys, and the one home of who may do what with them.

- opening, closing and following a survey (its link, its QR code, its answer count): a
  school's own leaders for their school; a locality lead for the schools of the localities
  it leads, and a system lead for any school, many at once;
- its results (share agreeing per question, at least ten answers): whoever sees the school's
  local records (``indicators.selectors.sees_local_records``: its leaders, staff and
  governors, and the leads who see it in full), as the indicators they are kept as;
- the words respondents wrote: the school's own leaders only, never anyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.indicators.selectors import sees_local_records
from evenbetter.schools.access import school_access
from evenbetter.schools.models import School
from evenbetter.vocabulary.voice import QUESTION_BY_CODE, Result, tally
from evenbetter.voice.models import PulseAnswer, PulseSurvey

# Surveys listed on a school's section and the home page, most recent first.
RECENT_SURVEYS = 6


def schools_surveyed_by(user: AnyUser) -> QuerySet[School]:
    """The schools whose pulse surveys the user may open, close and follow."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return School.objects.all()
    return School.objects.filter(pk__in=scope.school_ids | scope.locality_school_ids)


def can_run_surveys(user: AnyUser) -> bool:
    """Whether the user may open a pulse survey for some school (the header's link, the list)."""
    scope = scope_of(user)
    return scope.is_system_lead or bool(scope.school_ids or scope.locality_school_ids)


def may_run_survey_for(user: AnyUser, school: School) -> bool:
    return schools_surveyed_by(user).filter(pk=school.pk).exists()


def surveys_run_by(user: AnyUser) -> QuerySet[PulseSurvey]:
    """The surveys of every school the user runs surveys for, with their answer counts."""
    return (
        PulseSurvey.objects.filter(school__in=schools_surveyed_by(user).values("pk"))
        .select_related("school")
        .annotate(answer_count=Count("answers"))
    )


def can_see_results(user: AnyUser, school: School) -> bool:
    """Results are kept as the school's local indicators: seen by whoever sees those."""
    return sees_local_records(school_access(user, school))


def can_read_comments(user: AnyUser, school: School) -> bool:
    """Respondents' own words: the school's own leaders only."""
    return school.pk in scope_of(user).school_ids


def open_surveys_condition(today: dt.date | None = None) -> Q:
    """Taking answers, as ``PulseSurvey.is_open`` says, for a query."""
    day = today or timezone.localdate()
    return Q(closed_at__isnull=True) & (Q(closes_on__isnull=True) | Q(closes_on__gte=day))


@dataclass(frozen=True)
class QuestionResult:
    code: str
    wording: str
    result: Result


@dataclass(frozen=True)
class SurveyResults:
    survey: PulseSurvey
    answered: int
    questions: list[QuestionResult]
    comments: list[str]  # empty unless the reader may read them

    @property
    def suppressed(self) -> bool:
        return any(q.result.suppressed for q in self.questions) or not self.questions


def survey_results(survey: PulseSurvey, *, with_comments: bool = False) -> SurveyResults:
    """Each question's share agreeing (suppressed below the threshold), and the words given when
    the reader may read them (and only once the survey has enough answers to be shown at all)."""
    rows = list(PulseAnswer.objects.filter(survey=survey).values_list("choices", "comment"))
    answers = [choices for choices, _ in rows]
    questions = [
        QuestionResult(
            code,
            QUESTION_BY_CODE[code].wording(survey.audience, survey.language),
            tally(answers, code, survey.audience),
        )
        for code in survey.questions
        if code in QUESTION_BY_CODE
    ]
    results = SurveyResults(survey, len(rows), questions, [])
    if with_comments and not results.suppressed:
        return SurveyResults(survey, len(rows), questions, [comment for _, comment in rows if comment.strip()])
    return results


def school_survey_results(*, user: AnyUser, school: School) -> list[SurveyResults]:
    """The school's latest surveys with their results, as this reader may see them."""
    if not can_see_results(user, school):
        return []
    comments = can_read_comments(user, school)
    surveys = PulseSurvey.objects.filter(school=school).select_related("school")[:RECENT_SURVEYS]
    return [survey_results(survey, with_comments=comments) for survey in surveys]


def open_surveys_of(user: AnyUser) -> QuerySet[PulseSurvey]:
    """The open surveys the user runs, with their answer counts, for the home page."""
    return surveys_run_by(user).filter(open_surveys_condition())


def follows_surveys_at_home(user: AnyUser) -> bool:
    """Whether the home page lists the open surveys: a school's leaders always; a system or locality
    lead, who runs many schools', only while some are open."""
    scope = scope_of(user)
    if scope.school_ids:
        return True
    return can_run_surveys(user) and open_surveys_of(user).exists()


def survey_by_token(token: str) -> PulseSurvey | None:
    """The survey a public link names; None when there is none (the link is wrong or withdrawn)."""
    return PulseSurvey.objects.select_related("school").filter(token=token).first()
