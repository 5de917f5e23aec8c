"""Pulse surveys as panels: a section of the school page with each recent survey's results (once
past the threshold), and on the home page the open surveys of whoever runs them, with answers so far."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.pages.registry import Panel, register
from evenbetter.schools.models import School
from evenbetter.voice.selectors import (
    can_see_results,
    follows_surveys_at_home,
    may_run_survey_for,
    open_surveys_of,
    school_survey_results,
)

HOME_LISTED = 8


@register
class SchoolVoice(Panel):
    page = "school"
    order = 550
    template = "voice/_school_voice.html"
    title = "Voice of pupils, families and staff"
    slug = "voice"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_results(request.user, subject)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        return {
            "pulse_results": school_survey_results(user=request.user, school=school),
            "may_run": may_run_survey_for(request.user, school),
        }


@register
class OpenSurveys(Panel):
    """On the home page, for a school's leaders (and a system or locality lead while any is open): the open
    surveys they run, and how many have answered."""

    page = "home"
    order = 60
    template = "voice/_home_surveys.html"
    title = "Pulse surveys open"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        # A school's leaders always (where they start one); a system or locality lead only while some are open.
        return follows_surveys_at_home(request.user)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        surveys = open_surveys_of(request.user)
        listed = list(surveys[:HOME_LISTED])
        more = surveys.count() - len(listed) if len(listed) == HOME_LISTED else 0
        return {"open_surveys": listed, "more_open": more}
