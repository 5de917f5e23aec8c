"""The audit log, for system leads: thin, the filtering is in selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from evenbetter.accounts.exports import AuditLogTable, table_streamed
from evenbetter.accounts.forms import AuditFilterForm
from evenbetter.accounts.selectors import AuditFilters, audit_events_visible_to, can_see_audit_log

PAGE_SIZE = 50


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
def audit_log_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    """Every event the filters select, not only one page, sent as it is read (the log grows
    without end); the export is itself recorded, before the first byte."""
    _form, filters = _filters(request)
    return table_streamed(
        request, AuditLogTable(_filters_detail(filters)), audit_events_visible_to(request.user, filters)
    )


def _filters_detail(filters: AuditFilters) -> dict[str, str]:
    values = {
        "action": filters.action,
        "user": filters.username,
        "school": filters.school,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
    }
    return {key: value for key, value in values.items() if value}
