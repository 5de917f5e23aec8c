"""Reading a CSV file so that every problem can say where it is.

The whole file is decoded first (UTF-8, with or without a byte-order mark), so that a
wrong encoding is caught before anything is read, with the line and column where the
first undecodable byte sits. Rows keep the line number they started on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from evenbetter.ingest.problems import ImportRejected, Problem


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    file_name: str
    header: list[str]
    rows: list[CsvRow]


def _decode(content: bytes, file_name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = content.rfind(b"\n", 0, error.start) + 1
        line = content.count(b"\n", 0, error.start) + 1
        prefix = content[start : error.start].decode("utf-8", errors="replace")
        header_line = content.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        try:
            header = next(csv.reader([header_line.strip()]))
        except csv.Error:
            header = []
        column = _column_at(prefix, header) if line > 1 else None
        raise ImportRejected(
            [
                Problem(
                    file_name,
                    line,
                    column,
                    f"byte 0x{content[error.start]:02x} at character {error.start - start + 1} of the line "
                    "is not UTF-8: save the file as UTF-8 (CSV UTF-8) and try again",
                )
            ]
        ) from None


def _column_at(line_prefix: str, header: list[str]) -> str | None:
    """The header name of the field that ``line_prefix`` ends inside."""
    try:
        fields = next(csv.reader([line_prefix.replace("\n", " ").replace("\r", " ")]), [""])
    except csv.Error:
        return None
    index = max(len(fields) - 1, 0)
    return header[index] if index < len(header) else None


def read_csv(content: bytes, file_name: str, *, spill_column: str | None = None) -> CsvTable:
    """Parse ``content``; raise ImportRejected if the file as a whole cannot be read.

    ``spill_column`` names a last column that may run on into extra unnamed fields (the
    register writes each linked establishment as a field of its own); those fields are
    joined into it with "; " instead of being taken for a broken line.
    """
    text = _decode(content, file_name)
    if not text.strip():
        raise ImportRejected([Problem(file_name, None, None, "the file is empty")])
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected([Problem(file_name, line, None, "the file contains NUL bytes: it is not a CSV text file")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    header: list[str] = []
    rows: list[CsvRow] = []
    start_line = 1
    try:
        for record in reader:
            if not header:
                header = [name.strip() for name in record]
                start_line = reader.line_num + 1
                continue
            if record and any(value.strip() for value in record):
                if len(record) > len(header) and spill_column is not None and header[-1] == spill_column:
                    spilled = [value for value in record[len(header) - 1 :] if value.strip()]
                    record = [*record[: len(header) - 1], "; ".join(spilled)]
                if len(record) != len(header):
                    problems.append(_ragged_row(file_name, start_line, header, record))
                else:
                    rows.append(CsvRow(start_line, dict(zip(header, record, strict=True))))
            start_line = reader.line_num + 1
    except csv.Error as error:
        unread = "\n".join(text.split("\n")[start_line - 1 :])
        problems.append(
            Problem(
                file_name,
                start_line,
                _column_at(unread, header),
                f"the line cannot be read as CSV ({error}): is the line cut short, or a quote left open?",
            )
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        problems.insert(0, Problem(file_name, 1, duplicates[0], "the header names this column more than once"))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([Problem(file_name, 2, None, "the file has a header but no rows")])
    return CsvTable(file_name, header, rows)


def _ragged_row(file_name: str, line: int, header: list[str], record: list[str]) -> Problem:
    if len(record) < len(header):
        missing_from = header[len(record)]
        return Problem(
            file_name,
            line,
            missing_from,
            f"the line has {len(record)} fields where the header has {len(header)}: "
            f'it stops before column "{missing_from}" (is the line cut short?)',
        )
    return Problem(
        file_name,
        line,
        None,
        f"the line has {len(record)} fields where the header has {len(header)}: check for an unquoted comma",
    )
