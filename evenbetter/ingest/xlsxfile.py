"""Reading the first sheet of an Excel workbook into the same table a CSV file gives."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.ingest.csvfile import CsvRow, CsvTable, read_csv

XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def read_xlsx(content: bytes, file_name: str) -> CsvTable:
    from openpyxl import load_workbook  # imported here: only Excel uploads need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportRejected(
            [Problem(file_name, None, None, f"the file is not a readable Excel workbook (.xlsx): {error}")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise ImportRejected([Problem(file_name, None, None, "the workbook's first sheet is empty")])
        header = [_cell_text(cell).strip() for cell in header_cells]
        while header and not header[-1]:
            header.pop()
        if not any(header):
            raise ImportRejected([Problem(file_name, 1, None, "the first row of the sheet has no column names")])
        table_rows: list[CsvRow] = []
        for number, cells in enumerate(rows, start=2):
            values = [_cell_text(cell) for cell in cells][: len(header)]
            if not any(value.strip() for value in values):
                continue
            values += [""] * (len(header) - len(values))
            table_rows.append(CsvRow(number, dict(zip(header, values, strict=True))))
    finally:
        workbook.close()
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ImportRejected([Problem(file_name, 1, duplicates[0], "the header names this column more than once")])
    if not table_rows:
        raise ImportRejected([Problem(file_name, 2, None, "the sheet has a header but no rows")])
    return CsvTable(file_name, header, table_rows)


def read_table(content: bytes, file_name: str) -> CsvTable:
    """A CSV or an Excel file, told apart by what the bytes are, not by the name."""
    if content.startswith(XLSX_MAGIC):
        return read_xlsx(content, file_name)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRejected([Problem(file_name, None, None, "the file is named as an Excel workbook but is not one")])
    return read_csv(content, file_name)
