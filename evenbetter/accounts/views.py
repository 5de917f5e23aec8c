"""The audit log, for system leads: thin, the filtering is in selectors."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evenbetter.accounts.exports import csv_response
from evenbetter.accounts.forms import AuditFilterForm
from evenbetter.accounts.models import AuditEvent
from evenbetter.accounts.selectors import AuditFilters, audit_events_visible_to, can_see_audit_log
from evenbetter.accounts.services import audit_record

PAGE_SIZE = 50
CSV_HEADER = ["When", "Action", "Action code", "User", "School", "URN", "Details", "Page"]


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters]:
    if not can_see_audit_log(request.user):
        raise PermissionDenied("The audit log is for system leads.")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(audit_events_visible_to(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "total": page.paginator.count, "query_string": query.urlencode()},
    )


@login_required
def audit_log_csv_view(request: HttpRequest) -> HttpResponse:
    """Every event the filters select, not only one page; the export is itself recorded."""
    _form, filters = _filters(request)
    events = audit_events_visible_to(request.user, filters)
    written = 0

    def rows() -> Iterator[list[object]]:
        nonlocal written
        for event in events.iterator(chunk_size=2000):
            written += 1
            yield _csv_row(event)

    response = csv_response("audit-log", CSV_HEADER, rows())
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        detail={"export": "audit log", "rows": written, **_filters_detail(filters)},
    )
    return response


def _csv_row(event: AuditEvent) -> list[object]:
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.get_action_display(),
        event.action,
        event.user.username if event.user else "",
        event.school.name if event.school else "",
        event.school.urn if event.school else "",
        event.detail_summary,
        event.path,
    ]


def _filters_detail(filters: AuditFilters) -> dict[str, str]:
    values = {
        "action": filters.action,
        "user": filters.username,
        "school": filters.school,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
    }
    return {key: value for key, value in values.items() if value}
