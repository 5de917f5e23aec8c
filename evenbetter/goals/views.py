"""Goals and celebrations. Thin: authorize, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.goals.forms import GoalForm, IndicatorChoice, WordsForm
from evenbetter.goals.models import Celebration, Goal
from evenbetter.goals.selectors import (
    Owner,
    can_change_goal,
    can_set_goals_for,
    can_speak_for,
    celebration_for,
    goal_evidence,
    goal_indicators,
    goal_progress,
    visible_goal,
)
from evenbetter.goals.services import (
    GoalError,
    celebration_quiet_set,
    celebration_words_set,
    goal_create,
    goal_update,
    goal_withdraw,
)
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to, visible_school
from evenbetter.schools.models import Locality, Partnership


def _goal_create(request: HttpRequest, owner: Owner) -> HttpResponse:
    if not can_set_goals_for(request.user, owner):
        raise PermissionDenied(
            "Goals are set by a school's leaders, a partnership's or locality's lead, and system leads."
        )
    indicators = goal_indicators(request.user, owner)
    data = request.POST if request.method == "POST" else request.GET
    choice = IndicatorChoice(data if "indicator" in data else None, indicators=indicators)
    indicator = choice.cleaned_data["indicator"] if choice.is_bound and choice.is_valid() else None
    form = GoalForm(request.POST if request.method == "POST" else None)
    evidence = goal_evidence(request.user, owner, indicator) if indicator is not None else None
    status = 200
    if request.method == "POST":
        if indicator is not None and form.is_valid():
            try:
                goal = goal_create(by=signed_in_user(request), owner=owner, indicator=indicator, **form.cleaned_data)
            except GoalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Goal set: {indicator.name}, {indicator.label_for(goal.target)}.")
                return redirect("goal_detail", goal.pk)
        status = 400
    return render(
        request,
        "goals/goal_form.html",
        {"owner": owner, "choice": choice, "indicator": indicator, "form": form, "evidence": evidence},
        status=status,
    )


@login_required
def school_goal_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _goal_create(request, visible_school(request, pk))


@login_required
def partnership_goal_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    if not partnerships_visible_to(request.user).filter(pk=partnership.pk).exists():
        raise PermissionDenied("Your account does not give you access to this partnership.")
    return _goal_create(request, partnership)


@login_required
def locality_goal_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    if not localities_visible_to(request.user).filter(pk=locality.pk).exists():
        raise PermissionDenied("Your account does not give you access to this locality.")
    return _goal_create(request, locality)


def _goal(request: HttpRequest, pk: int) -> Goal:
    # Not found, rather than forbidden, for a goal the reader may not see: its owner or its
    # indicator may be what they are not to know about.
    goal = visible_goal(request.user, pk)
    if goal is None:
        raise Http404("No such goal.")
    return goal


@login_required
def goal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    progress = goal_progress(goal)
    evidence = goal_evidence(request.user, goal.owner, goal.indicator)
    return render(
        request,
        "goals/goal_detail.html",
        {
            "goal": goal,
            "progress": progress,
            "evidence": evidence,
            "ambition": evidence.ambition_words(goal.target),
            "can_change": can_change_goal(request.user, goal),
        },
    )


@login_required
def goal_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if not can_change_goal(request.user, goal):
        raise PermissionDenied("Only those who set the owner's goals may change this one.")
    initial = {"target": goal.target, "due_on": goal.due_on, "why": goal.why}
    form = GoalForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goal_update(goal=goal, by=signed_in_user(request), **form.cleaned_data)
            except GoalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Goal changed.")
                return redirect("goal_detail", goal.pk)
        status = 400
    evidence = goal_evidence(request.user, goal.owner, goal.indicator)
    return render(
        request,
        "goals/goal_form.html",
        {"owner": goal.owner, "goal": goal, "indicator": goal.indicator, "form": form, "evidence": evidence},
        status=status,
    )


@login_required
@require_POST
def goal_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    goal_withdraw(goal=goal, by=signed_in_user(request))
    messages.success(request, f"Goal withdrawn: {goal.indicator.name}.")
    return redirect(goal.owner.get_absolute_url())


def _celebration(request: HttpRequest, pk: int) -> Celebration:
    celebration = celebration_for(request.user, pk)
    if celebration is None:
        raise Http404("No such celebration.")
    if not can_speak_for(request.user, celebration):
        raise PermissionDenied("Only those who speak for the school (or partnership, or locality) may change this.")
    return celebration


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target or reverse("home"))


@login_required
@require_POST
def celebration_words_view(request: HttpRequest, pk: int) -> HttpResponse:
    celebration = _celebration(request, pk)
    form = WordsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: keep the words to 300 characters.")
        return _back(request)
    celebration_words_set(celebration=celebration, by=signed_in_user(request), words=form.cleaned_data["words"])
    messages.success(request, "Your words are added." if celebration.words else "Your words are taken off.")
    return _back(request)


@login_required
@require_POST
def celebration_quiet_view(request: HttpRequest, pk: int) -> HttpResponse:
    celebration = _celebration(request, pk)
    quiet = request.POST.get("quiet") == "on"
    celebration_quiet_set(celebration=celebration, by=signed_in_user(request), quiet=quiet)
    messages.success(
        request, "Kept quiet: only you and others who speak for it see it." if quiet else "Shown again to everyone."
    )
    return _back(request)
