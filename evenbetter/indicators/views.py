"""Data hub pages: disputed values, raised and resolved, and the data quality overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import scope_of
from evenbetter.indicators.forms import DisputeForm, DisputeResolveForm
from evenbetter.indicators.models import Dispute, Observation
from evenbetter.indicators.selectors import (
    can_dispute,
    can_resolve_disputes,
    can_see_disputes,
    data_quality_overview,
    disputes_visible_to,
)
from evenbetter.indicators.services import (
    DisputeRefused,
    dispute_raise,
    dispute_resolve,
)


@login_required
def dispute_raise_view(request: HttpRequest, pk: int) -> HttpResponse:
    school_ids = scope_of(request.user).school_ids
    observation = get_object_or_404(
        Observation.objects.select_related("indicator", "school"), pk=pk, school_id__in=school_ids
    )
    if not can_dispute(request.user, observation) or not isinstance(request.user, User):
        raise PermissionDenied("Only the school's own leaders can flag its values.")
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = dispute_raise(
                user=request.user,
                observation=observation,
                reason=form.cleaned_data["reason"],
                suggested_value=form.cleaned_data["suggested_value"],
            )
        except DisputeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Thank you: the value is flagged and the system lead will resolve it.")
            return redirect("dispute_detail", pk=dispute.pk)
    return render(request, "indicators/dispute_raise.html", {"form": form, "observation": observation})


@login_required
def dispute_list_view(request: HttpRequest) -> HttpResponse:
    if not can_see_disputes(request.user):
        raise PermissionDenied("Disputed values are seen by the school concerned and by system leads.")
    disputes = disputes_visible_to(request.user)
    status = request.GET.get("status", "open")
    if status in Dispute.Status.values:
        disputes = disputes.filter(status=status)
    page = Paginator(disputes, 50).get_page(request.GET.get("page"))
    return render(
        request, "indicators/dispute_list.html", {"page": page, "status": status, "statuses": Dispute.Status.choices}
    )


@login_required
def dispute_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(disputes_visible_to(request.user), pk=pk)
    can_resolve = can_resolve_disputes(request.user) and dispute.status == Dispute.Status.OPEN
    form = DisputeResolveForm(request.POST or None) if can_resolve else None
    if request.method == "POST":
        if form is None or not isinstance(request.user, User):
            raise PermissionDenied("Only system leads resolve disputes.")
        if form.is_valid():
            try:
                dispute_resolve(
                    user=request.user,
                    dispute=dispute,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    corrected_value=form.cleaned_data["corrected_value"],
                )
            except DisputeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "The dispute is resolved; the school can see the outcome.")
                return redirect("dispute_detail", pk=dispute.pk)
    return render(request, "indicators/dispute_detail.html", {"dispute": dispute, "form": form})


@login_required
def data_quality_view(request: HttpRequest) -> HttpResponse:
    overview = data_quality_overview(user=request.user)
    if overview is None:
        raise PermissionDenied("The data quality overview is for system leads.")
    return render(request, "indicators/data_quality.html", {"overview": overview})
