"""CSV (or XLSX) export of any table a page shows: the same rows, the same permissions,
every export audited here.

Each export is a small ``ExportTable`` class, declared in its app's ``exports.py`` and
kept in ``EXPORTS`` by its slug: its columns as (header, accessor) pairs, or ``header``
and ``rows`` of its own. A view that exports makes the table (with what the file is
named after) and calls ``table_response(request, table, data)``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
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


class _Line:
    """What ``csv.writer`` writes to when each line is handed on rather than kept."""

    def write(self, line: str) -> str:
        return line


STREAM_BATCH = 500  # rows a piece of a streamed CSV: few pieces, none large


def csv_streaming_response(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> StreamingHttpResponse:
    """The same CSV as ``csv_response``, sent as it is read (a table of any length: the first
    bytes leave before the last row is read, and memory stays flat)."""
    writer = csv.writer(_Line())

    def pieces() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        lines: list[str] = []
        for row in rows:
            lines.append(writer.writerow(["" if value is None else _safe(value) for value in row]))
            if len(lines) >= STREAM_BATCH:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(name, "csv")
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


class ExportTable:
    """One table a page exports. A subclass gives a ``slug`` (its key in ``EXPORTS``) and
    either ``columns``, (header, accessor of one item) pairs, or ``header`` and ``rows``
    of its own; ``filename`` names the file from what the table was made with."""

    slug: ClassVar[str] = ""
    columns: ClassVar[Sequence[tuple[str, Callable[[Any], object]]]] = ()
    formats: ClassVar[tuple[str, ...]] = ("csv", "xlsx")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.slug:
            if cls.slug in EXPORTS and EXPORTS[cls.slug].__qualname__ != cls.__qualname__:
                raise ValueError(f"two export tables are called {cls.slug!r}")
            EXPORTS[cls.slug] = cls

    def filename(self, data: Any) -> str:
        return self.slug

    def header(self, data: Any) -> list[str]:
        return [header for header, _ in self.columns]

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for item in data:
            yield [accessor(item) for _, accessor in self.columns]

    def audit_detail(self, *, name: str, wants: str) -> dict[str, object]:
        """What the audit log records of this export (after the rows are written; before, for
        a streamed table)."""
        return {"export": name, "format": wants}

    def as_sent(self, data: Any) -> Any:
        """The rows as they stand now, for ``table_streamed`` (what ``audit_detail`` can count)."""
        return data


EXPORTS: dict[str, type[ExportTable]] = {}


def table_response(request: HttpRequest, table: ExportTable, data: Any) -> HttpResponse:
    """CSV, or XLSX when ``?format=xlsx`` (and the table offers it): the same rows either
    way. Every export is recorded in the audit log (who, what, which format)."""
    from evenbetter.accounts.models import AuditEvent
    from evenbetter.accounts.services import audit_record

    wants = "xlsx" if request.GET.get("format") == "xlsx" and "xlsx" in table.formats else "csv"
    name = table.filename(data)
    write = xlsx_response if wants == "xlsx" else csv_response
    response = write(name, table.header(data), table.rows(data))
    audit_record(request=request, action=AuditEvent.Action.EXPORT, detail=table.audit_detail(name=name, wants=wants))
    return response


def table_streamed(request: HttpRequest, table: ExportTable, data: Any) -> StreamingHttpResponse:
    """The table's CSV sent as it is read (a table of any length, such as the audit log). The
    rows are fixed first (``as_sent``) and the export is recorded before the first byte, so
    that a download broken off is recorded too."""
    from evenbetter.accounts.models import AuditEvent
    from evenbetter.accounts.services import audit_record

    name = table.filename(data)
    data = table.as_sent(data)
    audit_record(request=request, action=AuditEvent.Action.EXPORT, detail=table.audit_detail(name=name, wants="csv"))
    return csv_streaming_response(name, table.header(data), table.rows(data))


class AuditLogTable(ExportTable):
    """Every audit event the filters select, not only one page; how many is itself recorded."""

    slug = "audit-log"
    formats = ("csv",)

    def __init__(self, filters_detail: dict[str, str]) -> None:
        self.filters_detail = filters_detail
        self.counted = 0

    def as_sent(self, data: Any) -> Any:
        # The events up to now: the export's own line (written next) is not among its rows.
        newest = data.order_by("-pk").values_list("pk", flat=True).first()
        data = data.none() if newest is None else data.filter(pk__lte=newest)
        self.counted = data.count()
        return data

    def header(self, data: Any) -> list[str]:
        return ["When", "Action", "Action code", "User", "School", "URN", "Details", "Page"]

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        from django.utils import timezone

        from evenbetter.accounts.models import AuditEvent, detail_words

        # Plain values, not an event with its user and school made for each row (a national
        # log has millions): the same words as the page's.
        actions = dict(AuditEvent.Action.choices)
        zone = timezone.get_current_timezone()
        columns = ("at", "action", "user__username", "school__name", "school__urn", "detail", "path")
        for at, action, username, school, urn, detail, path in data.values_list(*columns).iterator(chunk_size=2000):
            yield [
                at.astimezone(zone).isoformat(timespec="seconds"),
                actions.get(action, action),
                action,
                username or "",
                school or "",
                "" if urn is None else urn,
                detail_words(detail),
                path,
            ]

    def audit_detail(self, *, name: str, wants: str) -> dict[str, object]:
        return {"export": "audit log", "rows": self.counted, **self.filters_detail}
