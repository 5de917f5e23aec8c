"""Pulse surveys on the web. Thin: authorize, call one service or selector, render.

The answer page (``/s/<token>/``) needs no account and works without JavaScript; everything
else is for those who run the school's surveys (``selectors.schools_surveyed_by``).
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.schools.models import School
from evenbetter.voice.forms import AnswerForm, OpenSurveyForm
from evenbetter.voice.models import PulseSurvey
from evenbetter.voice.selectors import (
    can_read_comments,
    can_run_surveys,
    may_run_survey_for,
    schools_surveyed_by,
    survey_by_token,
    survey_results,
    surveys_run_by,
)
from evenbetter.voice.services import (
    AnswerRejected,
    SurveyClosed,
    pulse_answer_record,
    pulse_survey_close,
    pulse_surveys_open,
)
from evenbetter.voice.throttling import answer_allowed

# The signed cookie that says "this device has answered this survey": its value is constant,
# so it tells nothing about who answered, and it is never stored.
ANSWERED_SALT = "evenbetter.voice.answered"
ANSWERED_DAYS = 180


def _answered_cookie(survey: PulseSurvey) -> str:
    return f"pulse-{survey.pk}"


def _answered_here(request: HttpRequest, survey: PulseSurvey) -> bool:
    value = request.get_signed_cookie(_answered_cookie(survey), default=None, salt=ANSWERED_SALT)
    return value == "answered"


def _run_survey(request: HttpRequest, pk: int) -> PulseSurvey:
    survey = get_object_or_404(PulseSurvey.objects.select_related("school"), pk=pk)
    if not may_run_survey_for(request.user, survey.school):
        raise PermissionDenied("Only the school's leaders, and locality and system leads, follow its pulse surveys.")
    return survey


def _public_link(request: HttpRequest, survey: PulseSurvey) -> str:
    return request.build_absolute_uri(reverse("survey_answer", args=[survey.token]))


@login_required
def survey_list_view(request: HttpRequest) -> HttpResponse:
    if not can_run_surveys(request.user):
        raise PermissionDenied("Pulse surveys are run by a school's leaders and by locality and system leads.")
    surveys = list(surveys_run_by(request.user)[:200])
    return render(request, "voice/survey_list.html", {"surveys": surveys})


@login_required
def survey_create_view(request: HttpRequest) -> HttpResponse:
    if not can_run_surveys(request.user):
        raise PermissionDenied("Pulse surveys are opened by a school's leaders and by locality and system leads.")
    schools = schools_surveyed_by(request.user)
    chosen = None
    school_id = request.GET.get("school", "")
    if school_id.isascii() and school_id.isdigit() and len(school_id) < 12:
        chosen = schools.filter(pk=int(school_id)).first()
    form = OpenSurveyForm(request.POST or None, schools=schools, chosen=chosen)
    if request.method == "POST" and form.is_valid():
        opened = pulse_surveys_open(
            user=signed_in_user(request),
            schools=form.chosen_schools(),
            audience=form.cleaned_data["audience"],
            closes_on=form.cleaned_data["closes_on"],
        )
        if len(opened) == 1:
            messages.success(request, "Survey opened: share its link or QR code.")
            return redirect("survey_detail", pk=opened[0].pk)
        messages.success(request, f"{len(opened)} surveys opened, one for each school: each has its own link.")
        return redirect("survey_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/survey_form.html", {"form": form}, status=status)


@login_required
def survey_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _run_survey(request, pk)
    results = survey_results(survey, with_comments=can_read_comments(request.user, survey.school))
    link = _public_link(request, survey)
    qr = segno.make(link, error="m").svg_inline(scale=4, dark="#111", title="QR code for the survey's link")
    context: dict[str, Any] = {
        "survey": survey,
        "results": results,
        "link": link,
        "qr_svg": qr,
        "is_open": survey.is_open(),
    }
    return render(request, "voice/survey_detail.html", context)


@login_required
def survey_qr_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code alone, as an SVG file to print or put on a slide."""
    survey = _run_survey(request, pk)
    svg = io.BytesIO()
    segno.make(_public_link(request, survey), error="m").save(svg, kind="svg", scale=10, title="Pulse survey")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="pulse-survey-{survey.pk}-qr.svg"'
    return response


@login_required
@require_POST
def survey_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _run_survey(request, pk)
    pulse_survey_close(user=signed_in_user(request), survey=survey)
    messages.success(request, "Survey closed: it takes no more answers.")
    return redirect("survey_detail", pk=survey.pk)


def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public page respondents answer on: no account, no JavaScript needed."""
    survey = survey_by_token(token)
    if survey is None:
        raise Http404("There is no survey at this link. Please check it with the school.")
    school: School = survey.school
    context: dict[str, Any] = {"survey": survey, "school": school}
    if not survey.is_open():
        return render(request, "voice/answer_closed.html", context, status=410 if request.method == "POST" else 200)
    if _answered_here(request, survey):
        status = 409 if request.method == "POST" else 200
        return render(request, "voice/answer_thanks.html", {**context, "already": True}, status=status)
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        allowed, wait = answer_allowed(request, survey)
        if not allowed:
            context["wait_minutes"] = max(1, (wait + 59) // 60)
            return render(request, "voice/answer_too_many.html", context, status=429)
        try:
            pulse_answer_record(survey=survey, choices=form.answers(), comment=form.cleaned_data["comment"])
        except SurveyClosed:
            return render(request, "voice/answer_closed.html", context, status=410)
        except AnswerRejected as rejected:
            form.add_error(None, str(rejected))
        else:
            response = render(request, "voice/answer_thanks.html", {**context, "already": False})
            response.set_signed_cookie(
                _answered_cookie(survey),
                "answered",
                salt=ANSWERED_SALT,
                max_age=ANSWERED_DAYS * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                path=reverse("survey_answer", args=[survey.token]),
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/answer_form.html", {**context, "form": form}, status=status)
