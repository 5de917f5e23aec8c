"""Help requests and offers. Thin: authorize, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evenbetter.accounts.selectors import scope_of
from evenbetter.schools.models import School
from evenbetter.support.forms import HelpRequestForm, SupportOfferForm
from evenbetter.support.selectors import (
    can_ask_for,
    can_offer_for,
    can_see_suggestions,
    help_requests_visible_to,
    offers_visible_to,
    shows_who_asked,
)
from evenbetter.support.services import help_request_create, suggestions_for, support_offer_create
from evenbetter.web.access import signed_in_user


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
    scope = scope_of(request.user)
    if not (scope.sees_public_data or scope.governed_school_ids):
        raise PermissionDenied("Help requests are for school, partnership and system leads.")
    requests = [(r, shows_who_asked(request.user, r)) for r in help_requests_visible_to(request.user)[:200]]
    return render(
        request,
        "support/help_list.html",
        {"requests": requests, "offers": offers_visible_to(request.user)[:200], "own_school_ids": scope.school_ids},
    )


@login_required
def help_request_create_view(request: HttpRequest) -> HttpResponse:
    school = _school_from_query(request)
    if not can_ask_for(request.user, school):
        raise PermissionDenied(
            "A school's leaders ask for help for it; its partnership or system lead may, with its agreement."
        )
    on_behalf = school.pk not in scope_of(request.user).school_ids
    form = HelpRequestForm(request.POST or None, on_behalf=on_behalf, initial={"area": request.GET.get("area", "")})
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
        )
        messages.success(
            request, f'Request "{help_request.title}" made: {help_request.get_visibility_display().lower()}.'
        )
        return redirect("help_request_detail", pk=help_request.pk)
    return render(request, "support/help_request_form.html", {"school": school, "form": form, "on_behalf": on_behalf})


@login_required
def help_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    # A request the user may not see is not found, so its existence is not given away.
    help_request = get_object_or_404(help_requests_visible_to(request.user), pk=pk)
    result = suggestions_for(help_request) if can_see_suggestions(request.user, help_request) else None
    return render(
        request,
        "support/help_request_detail.html",
        {"help_request": help_request, "named": shows_who_asked(request.user, help_request), "result": result},
    )


@login_required
def support_offer_create_view(request: HttpRequest) -> HttpResponse:
    school = _school_from_query(request)
    if not can_offer_for(request.user, school):
        raise PermissionDenied("A school's leaders, and the leads who see it in full, make its offers.")
    form = SupportOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = support_offer_create(
            school=school,
            created_by=signed_in_user(request),
            area=form.cleaned_data["area"],
            description=form.cleaned_data["description"],
            days_per_term=float(form.cleaned_data["days_per_term"]),
        )
        messages.success(
            request, f"Offer of {offer.days_per_term} days a term in {offer.get_area_display().lower()} made."
        )
        return redirect("help_list")
    return render(request, "support/offer_form.html", {"school": school, "form": form})
