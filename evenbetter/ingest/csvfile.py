"""Reading a CSV file so that every problem can say where it is.

The whole file is decoded first: as UTF-8 (with or without a byte-order mark), or, when it
is not UTF-8, as Windows-1252 (what Excel and older Windows software save as "CSV", and
what some public files are published in): the import then says so in its notes
(``encoding_note``). A file that is neither is refused before anything is read, with the
line and column where the first byte that is neither sits. Rows keep the line number they
started on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from evenbetter.indicators.problems import ImportRejected, Problem, Severity


class CsvRow(NamedTuple):
    # A named tuple: a large file makes millions of them.
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    file_name: str
    header: list[str]
    rows: list[CsvRow]


WINDOWS_1252 = "cp1252"


def _decode(content: bytes, file_name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return content.decode(WINDOWS_1252)
        except UnicodeDecodeError as error:
            # The five bytes Windows-1252 leaves undefined: the file is in some other encoding.
            first_line = content.count(b"\n", 0, utf8_error.start) + 1
            raise ImportRejected(
                [
                    _undecodable(
                        content,
                        file_name,
                        error.start,
                        f"is neither UTF-8 nor Windows-1252 (the first byte that is not UTF-8 is on line "
                        f"{first_line}): save the file as UTF-8 (CSV UTF-8) "
                        "and try again",
                    )
                ]
            ) from None


def encoding_note(content: bytes, file_name: str) -> Problem | None:
    """A note for the import's summary when a CSV file was read as Windows-1252, not UTF-8."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            content.decode(WINDOWS_1252)
        except UnicodeDecodeError:
            return None  # refused by _decode, with its own message
        return _undecodable(
            content,
            file_name,
            error.start,
            "is not UTF-8: the file was read as Windows-1252 (as Excel saves CSV on Windows), "
            "so é, £ and – read as they were meant; check a few names with accents",
            "warning",
        )
    return None


def _undecodable(content: bytes, file_name: str, at: int, what: str, severity: Severity = "error") -> Problem:
    """A problem about the byte at ``at``, with its line and the column it sits in."""
    start = content.rfind(b"\n", 0, at) + 1
    line = content.count(b"\n", 0, at) + 1
    prefix = content[start:at].decode("utf-8", errors="replace")
    header_line = content.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    try:
        header = next(csv.reader([header_line.strip()]))
    except csv.Error:
        header = []
    column = _column_at(prefix, header) if line > 1 else None
    return Problem(
        file_name,
        line,
        column,
        f"byte 0x{content[at]:02x} at character {at - start + 1} of the line {what}",
        severity,
    )


def _column_at(line_prefix: str, header: list[str]) -> str | None:
    """The header name of the field that ``line_prefix`` ends inside."""
    try:
        fields = next(csv.reader([line_prefix.replace("\n", " ").replace("\r", " ")]), [""])
    except csv.Error:
        return None
    index = max(len(fields) - 1, 0)
    return header[index] if index < len(header) else None


def is_blank_record(record: list[str]) -> bool:
    """A record with nothing but blanks: not a row (not counted, never a problem)."""
    # any(record) first: it runs in C and settles almost every line at once.
    return not (any(record) and (record[0].strip() or any(value.strip() for value in record)))


class CsvStream:
    """A CSV file read row by row, so that a file of millions of rows never sits in memory
    as rows. Problems found on the way are collected in ``problems``; rows with a problem
    are not yielded. Read ``rows()`` once, then check ``problems``.
    """

    def __init__(
        self, content: bytes, file_name: str, *, spill_column: str | None = None, pad_short_rows: bool = False
    ):
        self.file_name = file_name
        self.spill_column = spill_column
        # Some publishers (the DfE's performance tables) end a row early when the rest of
        # its fields are empty. Such rows are padded, except a short last line with no
        # line break after it: that is a file cut short.
        self.pad_short_rows = pad_short_rows
        self.problems: list[Problem] = []
        self.rows_seen = 0
        self._text = _decode(content, file_name)
        if not self._text.strip():
            raise ImportRejected([Problem(file_name, None, None, "the file is empty")])
        if "\x00" in self._text:
            line = self._text.count("\n", 0, self._text.index("\x00")) + 1
            raise ImportRejected(
                [Problem(file_name, line, None, "the file contains NUL bytes: it is not a CSV text file")]
            )
        self._buffer = io.StringIO(self._text, newline="")
        self._reader = csv.reader(self._buffer, strict=True)
        try:
            first = next(self._reader, [])
        except csv.Error as error:
            raise ImportRejected([Problem(file_name, 1, None, f"the header cannot be read as CSV ({error})")]) from None
        self.header = [name.strip() for name in first]
        duplicates = sorted({name for name in self.header if self.header.count(name) > 1})
        if duplicates:
            raise ImportRejected([Problem(file_name, 1, duplicates[0], "the header names this column more than once")])

    @property
    def reader(self) -> Any:
        """The CSV reader, after the header: ``rows()`` reads from it (or, on SQLite, the driver
        straight into a staging table, ``ingest.sqlstaging``)."""
        return self._reader

    def _cut_short(self) -> bool:
        """Whether the record just read was the file's last line, with no line break after it."""
        return self._buffer.tell() >= len(self._text) and not self._text.endswith(("\n", "\r"))

    def rows(self) -> Iterator[CsvRow]:
        header, reader, file_name = self.header, self._reader, self.file_name
        start_line = reader.line_num + 1
        try:
            for record in reader:
                if not is_blank_record(record):
                    if len(record) > len(header) and self.spill_column is not None and header[-1] == self.spill_column:
                        spilled = [value for value in record[len(header) - 1 :] if value.strip()]
                        record = [*record[: len(header) - 1], "; ".join(spilled)]
                    self.rows_seen += 1
                    if len(record) < len(header) and self.pad_short_rows and not self._cut_short():
                        record = record + [""] * (len(header) - len(record))
                    if len(record) != len(header):
                        self.problems.append(_ragged_row(file_name, start_line, header, record))
                    else:
                        yield CsvRow(start_line, dict(zip(header, record)))  # noqa: B905 (lengths checked)
                start_line = reader.line_num + 1
        except csv.Error as error:
            unread = "\n".join(self._text.split("\n")[start_line - 1 :])
            self.problems.append(
                Problem(
                    file_name,
                    start_line,
                    _column_at(unread, header),
                    f"the line cannot be read as CSV ({error}): is the line cut short, or a quote left open?",
                )
            )
        if not self.rows_seen and not self.problems:
            self.problems.append(Problem(file_name, 2, None, "the file has a header but no rows"))


def read_csv(
    content: bytes, file_name: str, *, spill_column: str | None = None, pad_short_rows: bool = False
) -> CsvTable:
    """Parse all of ``content``; raise ImportRejected if the file as a whole cannot be read.

    ``spill_column`` names a last column that may run on into extra unnamed fields (the
    register writes each linked establishment as a field of its own); those fields are
    joined into it with "; " instead of being taken for a broken line.
    """
    stream = CsvStream(content, file_name, spill_column=spill_column, pad_short_rows=pad_short_rows)
    rows = list(stream.rows())
    if stream.problems:
        raise ImportRejected(stream.problems, rows_read=stream.rows_seen)
    return CsvTable(file_name, stream.header, rows)


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
