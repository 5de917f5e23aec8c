"""Raise a concern about a school, read and answer the concerns about one, withdraw or close one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.models import AuditEvent
from evenbetter.accounts.selectors import memberships_of
from evenbetter.accounts.services import audit_record
from evenbetter.concerns import selectors, services
from evenbetter.concerns.forms import AnswerForm, CloseForm, ConcernForm
from evenbetter.schools.access import visible_school


def _capacity(request: HttpRequest) -> str:
    """In what capacity the user raises it, from their roles: "School leader of Alton Infant School"."""
    return "; ".join(f"{m.get_role_display()} of {m.scope_label}" for m in memberships_of(request.user))


@login_required
def concern_raise_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not selectors.may_raise_about(request.user, school):
        raise PermissionDenied(
            "A concern is raised by those who work with the school: its own people, its partnership and locality, "
            "the agencies that work with it, and the schools near it or in touch with it."
        )
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(
                request=request,
                by=signed_in_user(request),
                school=school,
                area=form.cleaned_data["area"],
                text=form.cleaned_data["text"],
                raised_as=_capacity(request),
                name_shown_to_school=form.cleaned_data["name_shown_to_school"],
            )
        except services.Refused as refused:
            form.add_error(None, f"Nothing was changed: {refused}")
        else:
            messages.success(
                request,
                f"Your concern about {school.name} is raised. The school's leaders will see it and can answer; "
                "you will see their answer on your home page.",
            )
            return redirect("concern_list")
    return render(
        request, "concerns/concern_form.html", {"school": school, "form": form}, status=400 if form.errors else 200
    )


@login_required
def school_concerns_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not selectors.may_read_concerns_of(request.user, school):
        raise PermissionDenied(
            "Concerns about a school are for its leaders and governors and the leads who see it in full."
        )
    concerns = [
        selectors.concern_seen_by(request.user, c)
        for c in selectors.concerns_visible_to(request.user).filter(school=school)
    ]
    audit_record(
        request=request, action=AuditEvent.Action.CONCERNS_VIEW, school=school, detail={"count": len(concerns)}
    )
    return render(
        request,
        "concerns/school_concerns.html",
        {
            "school": school,
            "concerns": concerns,
            "answer_form": AnswerForm(),
            "close_form": CloseForm(),
            "may_raise": selectors.may_raise_about(request.user, school),
        },
    )


@login_required
def concern_list_view(request: HttpRequest) -> HttpResponse:
    """The concerns the user may read: those they raised, and those about the schools they
    lead, govern or see in full."""
    if not selectors.may_raise_any(request.user):
        raise PermissionDenied("Concerns are for those who work with schools.")
    concerns = [selectors.concern_seen_by(request.user, c) for c in selectors.concerns_visible_to(request.user)[:200]]
    return render(
        request,
        "concerns/concern_list.html",
        {"concerns": concerns, "answer_form": AnswerForm(), "close_form": CloseForm()},
    )


MAY = {"answer": selectors.may_answer, "withdraw": selectors.may_withdraw, "close": selectors.may_close}
WHO_MAY = {
    "answer": "Only the school's own leaders answer a concern about it, while it is open.",
    "withdraw": "Only whoever raised a concern withdraws it, while it is open or answered.",
    "close": "A concern is closed by the leads who hold the school's watch list, while it is live.",
}


@login_required
@require_POST
def concern_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    # Not found, rather than forbidden, for a concern the user may not read: no hint it exists.
    concern = get_object_or_404(selectors.concerns_visible_to(request.user), pk=pk)
    if action not in MAY:
        raise PermissionDenied("No such step.")
    user = signed_in_user(request)
    if not MAY[action](user, concern):
        raise PermissionDenied(WHO_MAY[action])
    try:
        if action == "answer":
            answer = AnswerForm(request.POST)
            if not answer.is_valid():
                raise services.Refused(" ".join(str(e) for e in answer.errors.get("answer", [])))
            services.concern_answer(request=request, by=user, concern=concern, answer=answer.cleaned_data["answer"])
            messages.success(request, "Your answer is saved; whoever raised the concern will see it.")
        elif action == "withdraw":
            services.concern_withdraw(request=request, by=user, concern=concern)
            messages.success(request, "Your concern is withdrawn. It no longer counts in the early warning.")
        else:
            close = CloseForm(request.POST)
            if not close.is_valid():
                raise services.Refused(" ".join(str(e) for e in close.errors.get("note", [])))
            services.concern_close(request=request, by=user, concern=concern, note=close.cleaned_data["note"])
            messages.success(request, "The concern is closed with your note.")
    except services.Refused as refused:
        messages.error(request, f"Nothing was changed: {refused}")
    if request.POST.get("next") == "school" and selectors.may_read_concerns_of(user, concern.school):
        return redirect("school_concerns", pk=concern.school_id)
    return redirect("concern_list")
