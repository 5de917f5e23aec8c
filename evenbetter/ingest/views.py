"""The import pages: upload with a preview, import history, one import's provenance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evenbetter.accounts.models import User
from evenbetter.indicators.runs import mark_interrupted_runs
from evenbetter.indicators.selectors import can_import_data, import_runs_visible_to
from evenbetter.ingest.forms import ImportUploadForm
from evenbetter.ingest.services import ImportNotConfirmable, import_confirm, import_preview
from evenbetter.jobs.selectors import refresh_job_of


def _system_lead(request: HttpRequest) -> User:
    if not can_import_data(request.user) or not isinstance(request.user, User):
        raise PermissionDenied("Only system leads import data and see the import history.")
    return request.user


@login_required
def import_history_view(request: HttpRequest) -> HttpResponse:
    _system_lead(request)
    mark_interrupted_runs()  # a run whose process died is shown as interrupted, not running
    page = Paginator(import_runs_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "ingest/import_history.html", {"page": page})


@login_required
def import_upload_view(request: HttpRequest) -> HttpResponse:
    user = _system_lead(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["data_file"]
        mapping = form.cleaned_data.get("mapping_file")
        preview = import_preview(
            user=user,
            content=upload.read(),
            file_name=upload.name,
            source_format=form.cleaned_data["source_format"],
            options=form.format_options(mapping.read() if mapping else None),
        )
        return redirect("import_run", pk=preview.pk)
    return render(request, "ingest/import_upload.html", {"form": form})


@login_required
def import_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    _system_lead(request)
    mark_interrupted_runs()
    run = get_object_or_404(import_runs_visible_to(request.user), pk=pk)
    return render(request, "ingest/import_run.html", {"run": run, "refresh_job": refresh_job_of(run)})


@require_POST
@login_required
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _system_lead(request)
    preview = get_object_or_404(import_runs_visible_to(request.user), pk=pk)
    try:
        run = import_confirm(user=user, preview=preview)
    except ImportNotConfirmable as reason:
        messages.error(request, str(reason))
        return redirect("import_run", pk=preview.pk)
    if run.status == run.Status.SUCCEEDED:
        messages.success(
            request, f"Imported {run.file_name}: {run.records_created} new, {run.records_updated} changed."
        )
    else:
        messages.error(request, "The import failed and nothing was written: see the problems below.")
    return redirect("import_run", pk=run.pk)
