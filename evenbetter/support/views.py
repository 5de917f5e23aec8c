"""Help requests and offers. Thin: authorize, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.exports import table_response
from evenbetter.accounts.selectors import scope_of
from evenbetter.pages.htmx import UNPROCESSABLE, htmx_wants_part, render_part, step_done
from evenbetter.partnerships.models import Agency
from evenbetter.practice.selectors import published_items
from evenbetter.schools.models import School
from evenbetter.support import services
from evenbetter.support.exports import HelpRequestsTable
from evenbetter.support.forms import (
    AgreeForm,
    DeclineForm,
    EngagementForm,
    HelpRequestForm,
    NoteForm,
    ReviewForm,
    SuggestForm,
    SupportOfferForm,
)
from evenbetter.support.impact import impact_for, system_view
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import (
    agencies_of,
    agencies_to_ask,
    can_ask_for,
    can_offer_for,
    can_offer_for_agency,
    can_see_help_requests,
    can_see_help_summary,
    can_see_suggestions,
    help_request_seen_by,
    help_requests_brokered_by,
    help_requests_visible_to,
    offers_visible_to,
    sees_brokerage,
)
from evenbetter.support.services import (
    KeptSuggestions,
    help_request_create,
    suggestions_kept,
    support_offer_create,
)
from evenbetter.support.workflow import STEPS, StepRefused, steps_open_to


def _school_from_query(request: HttpRequest) -> School:
    raw = request.GET.get("school") or request.POST.get("school") or ""
    if not raw.isdigit():
        own = sorted(scope_of(request.user).school_ids)
        if len(own) == 1:
            raw = str(own[0])
        else:
            raise Http404("Say which school: ?school=<its id>.")
    return get_object_or_404(School, pk=int(raw))


@login_required
def help_list_view(request: HttpRequest) -> HttpResponse:
    if not can_see_help_requests(request.user):
        raise PermissionDenied("Help requests are for school, partnership and system leads.")
    if request.GET.get("format") in ("csv", "xlsx"):
        visible = help_requests_visible_to(request.user).select_related("supporter", "supporter_agency")
        return table_response(request, HelpRequestsTable(request.user), visible)
    requests = [
        help_request_seen_by(request.user, r)
        for r in help_requests_visible_to(request.user).select_related("supporter", "supporter_agency")[:200]
    ]
    return render(
        request,
        "support/help_list.html",
        {
            "requests": requests,
            "offers": offers_visible_to(request.user)[:200],
            "own_school_ids": scope_of(request.user).school_ids,
            "own_agencies": agencies_of(request.user),
            "brokers": can_see_help_summary(request.user),
        },
    )


@login_required
def help_request_create_view(request: HttpRequest) -> HttpResponse:
    school = _school_from_query(request)
    if not can_ask_for(request.user, school):
        raise PermissionDenied(
            "A school's leaders ask for help for it; its partnership or system lead may, with its agreement."
        )
    on_behalf = school.pk not in scope_of(request.user).school_ids
    form = HelpRequestForm(
        request.POST or None,
        on_behalf=on_behalf,
        agencies=agencies_to_ask(school),
        initial={"area": request.GET.get("area", "")},
    )
    if request.method == "POST" and form.is_valid():
        help_request = help_request_create(
            school=school,
            created_by=signed_in_user(request),
            area=form.cleaned_data["area"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            urgency=form.cleaned_data["urgency"],
            kind=form.cleaned_data["kind"],
            visibility=form.cleaned_data["visibility"],
            on_behalf=on_behalf,
            agency=form.cleaned_data.get("agency"),
        )
        addressed = f" and sent to {help_request.supporter_agency.name}" if help_request.supporter_agency else ""
        messages.success(
            request,
            f'Request "{help_request.title}" made{addressed}: {help_request.get_visibility_display().lower()}.',
        )
        return redirect("help_request_detail", pk=help_request.pk)
    return render(request, "support/help_request_form.html", {"school": school, "form": form, "on_behalf": on_behalf})


STEP_FORMS: dict[str, type[forms.Form]] = {
    "suggest": SuggestForm,
    "decline": DeclineForm,
    "agree": AgreeForm,
    "log": EngagementForm,
    "review": ReviewForm,
    "close": NoteForm,
    "withdraw": NoteForm,
}


def _choices(result: KeptSuggestions | None) -> list[tuple[str, str]]:
    """The suggested schools and agencies a broker picks from: ("school:<id>" or
    "agency:<id>", name), best first."""
    if result is None:
        return []
    return [
        (f"agency:{int(agency_id)}", f"{name} (agency or service)")
        if agency_id is not None
        else (f"school:{int(school_id)}", str(name))
        for school_id, agency_id, name in zip(
            result.suggestions["school_id"], result.suggestions["agency_id"], result.suggestions["name"], strict=True
        )
    ]


def _step_form(step: str, help_request: HelpRequest, suggestions: list[tuple[str, str]], data: Any = None) -> Any:
    if step == "suggest":
        return SuggestForm(data, suggestions=suggestions, prefix=step)
    return STEP_FORMS[step](data, prefix=step)


def _detail(
    request: HttpRequest, help_request: HelpRequest, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "support/help_request_detail.html", _detail_context(request, help_request, bound), status=status
    )


BROKERAGE_PART = "support/_brokerage.html"


def _detail_context(
    request: HttpRequest, help_request: HelpRequest, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    """What the request's page draws (its brokerage part too): the steps open to the reader,
    one of them bound when it came back wrong."""
    seen = help_request_seen_by(request.user, help_request)
    involved = seen.involved
    open_steps = steps_open_to(request.user, help_request) if involved else []
    # Suggestions are worked out only where they are shown or chosen from (a request still asking).
    shown = help_request.status == HelpRequest.Status.REQUESTED or "suggest" in open_steps
    result = suggestions_kept(help_request) if shown and can_see_suggestions(request.user, help_request) else None
    suggestions = _choices(result)
    step_forms = {step: _step_form(step, help_request, suggestions) for step in open_steps}
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return {
        "help_request": help_request,
        "seen": seen,
        "result": result if help_request.status == HelpRequest.Status.REQUESTED else None,
        "involved": involved,
        "steps": [(STEPS[step], step_forms[step]) for step in open_steps],
        "events": help_request.events.select_related("by") if involved else [],
        "engagements": help_request.engagements.all() if involved else [],
        "reviews": help_request.reviews.all() if involved else [],
        "impact": impact_for(help_request) if involved else [],
        # Shared practice in the area asked about: something to read while help is found.
        "practice": published_items(request.user).filter(areas__area=help_request.area)[:5],
    }


@login_required
def help_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    # A request the user may not see is not found, so its existence is not given away.
    help_request = get_object_or_404(help_requests_visible_to(request.user), pk=pk)
    return _detail(request, help_request)


@login_required
@require_POST
def help_request_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one step of brokerage; a refused step or a wrong form changes nothing."""
    help_request = get_object_or_404(help_requests_visible_to(request.user), pk=pk)
    if step not in STEP_FORMS:
        raise Http404("No such step.")
    if not sees_brokerage(request.user, help_request):
        raise PermissionDenied("Only the two schools and the broker take the steps of a support.")
    wants = step == "suggest" and can_see_suggestions(request.user, help_request)
    suggestions = _choices(suggestions_kept(help_request) if wants else None)
    form = _step_form(step, help_request, suggestions, request.POST)
    if not form.is_valid():
        if htmx_wants_part(request):  # the step's form again, with its messages in place
            context = _detail_context(request, help_request, bound=(step, form))
            context |= {"as_part": True, "step_error": "Nothing was saved: see what to correct below."}
            return render_part(request, BROKERAGE_PART, context, status=UNPROCESSABLE)
        messages.error(request, "Nothing was saved: see what to correct below.")
        return _detail(request, help_request, bound=(step, form), status=400)
    user = signed_in_user(request)
    data = form.cleaned_data
    try:
        if step == "suggest":
            services.help_request_suggest(
                help_request=help_request, by=user, supporter=data["school"], agency=data["agency"], note=data["note"]
            )
        elif step == "decline":
            services.help_request_decline(help_request=help_request, by=user, note=data["note"])
        elif step == "agree":
            services.help_request_agree(help_request=help_request, by=user, objectives=data["objectives"])
        elif step == "log":
            services.engagement_log(
                help_request=help_request,
                by=user,
                on=data["on"],
                kind=data["kind"],
                days=data["days"],
                notes=data["notes"],
            )
        elif step == "review":
            services.review_record(
                help_request=help_request,
                by=user,
                benefit=data["benefit"],
                objectives_met=data["objectives_met"],
                what_changed=data["what_changed"],
            )
        elif step == "close":
            services.help_request_close(help_request=help_request, by=user, note=data["note"])
        else:
            services.help_request_withdraw(help_request=help_request, by=user, note=data["note"])
    except StepRefused as refused:
        if htmx_wants_part(request):  # the step's form as it was sent, and why it was refused
            help_request.refresh_from_db()
            context = _detail_context(request, help_request, bound=(step, form))
            context |= {"as_part": True, "step_error": f"Nothing was changed: {refused}"}
            return render_part(request, BROKERAGE_PART, context, status=UNPROCESSABLE)
        messages.error(request, f"Nothing was changed: {refused}")
        return redirect("help_request_detail", pk=help_request.pk)
    help_request.refresh_from_db()
    return step_done(
        request,
        message=f"{STEPS[step].label}: done.",
        part=BROKERAGE_PART,
        context=_detail_context(request, help_request) | {"as_part": True},
        then=reverse("help_request_detail", args=[help_request.pk]),
    )


@login_required
def help_summary_view(request: HttpRequest) -> HttpResponse:
    """The system's view of reaching out, for the brokers: their requests, in aggregate."""
    if not can_see_help_summary(request.user):
        raise PermissionDenied("The view of help asked and given is for system and partnership leads.")
    view = system_view(help_requests_brokered_by(request.user))
    return render(request, "support/help_summary.html", view)


def _agency_from_query(request: HttpRequest) -> Agency | None:
    """The agency an offer is for (``?agency=<id>``), or None when the offer is a school's."""
    raw = request.GET.get("agency") or request.POST.get("agency") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("Say which agency: ?agency=<its id>.")
    return get_object_or_404(Agency, pk=int(raw))


@login_required
def support_offer_create_view(request: HttpRequest) -> HttpResponse:
    agency = _agency_from_query(request)
    school = None
    if agency is not None:
        if not can_offer_for_agency(request.user, agency):
            raise PermissionDenied("An agency's own people make its offers.")
    else:
        school = _school_from_query(request)
        if not can_offer_for(request.user, school):
            raise PermissionDenied("A school's leaders, and the leads who see it in full, make its offers.")
    form = SupportOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = support_offer_create(
            school=school,
            agency=agency,
            created_by=signed_in_user(request),
            area=form.cleaned_data["area"],
            description=form.cleaned_data["description"],
            days_per_term=float(form.cleaned_data["days_per_term"]),
        )
        messages.success(
            request, f"Offer of {offer.days_per_term} days a term in {offer.get_area_display().lower()} made."
        )
        return redirect("help_list")
    return render(
        request,
        "support/offer_form.html",
        {"school": school, "agency": agency, "offered_by": agency or school, "form": form},
    )
