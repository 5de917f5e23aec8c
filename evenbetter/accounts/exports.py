"""CSV export of any table a page shows: the same rows, the same permissions."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(name, "csv")
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _safe(value) for value in row])
    return response


def _attachment(name: str, extension: str) -> str:
    return f'attachment; filename="{slugify(name)[:120] or "export"}.{extension}"'


def _safe(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheets: quote text that does.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, float):
        return round(value, 4)
    return value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """The same table as an Excel workbook (openpyxl, write-only: rows stream, memory stays flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(slugify(name)[:31] or "export"))
    sheet.append(list(header))
    for row in rows:
        sheet.append(["" if value is None else _safe(value) for value in row])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = _attachment(name, "xlsx")
    workbook.save(response)
    return response


def table_response(
    request: HttpRequest, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """CSV, or XLSX when ``?format=xlsx``: the same rows either way. Every export is recorded
    in the audit log (who, what, which format)."""
    from evenbetter.accounts.models import AuditEvent
    from evenbetter.accounts.services import audit_record

    wants = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    audit_record(request=request, action=AuditEvent.Action.EXPORT, detail={"export": name, "format": wants})
    return (xlsx_response if wants == "xlsx" else csv_response)(name, header, rows)
