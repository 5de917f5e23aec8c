"""DfE school workforce census, school level (``national-2019/england_swf.csv``).

Headcounts and full-time equivalents of teachers, teaching assistants and support staff,
the pupil:teacher ratio and the mean teacher salary (written like "£45,421"). ``NA`` is
missing and ``SUPP`` suppressed, never 0. Headers are matched ignoring case and spaces
(the real file has "Pupil:     Teacher Ratio"). The file does not say which year it
covers, so the import is told (``period``).

The republished 2018/19 file is cut short: it stops part-way through its last line,
with no line break after it. That one row is skipped with a warning that says where,
and the complete rows before it are read; a short or broken row anywhere else is still
an error that refuses the file.
"""

from __future__ import annotations

import re

from evenbetter.indicators.models import Indicator
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import IndicatorDefinition
from evenbetter.ingest.csvfile import CsvStream, CsvTable
from evenbetter.ingest.formats.dfe_census import unread_columns
from evenbetter.ingest.observations import Measure, PeriodOption
from evenbetter.ingest.registry import Staged, register

SOURCE = "DfE school workforce in England (school workforce census)"


def _workforce(code: str, name: str, unit: str, comparison: str, header: str, places: int = 1) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code,
        name=name,
        unit=unit,
        direction=Indicator.Direction.NEITHER,
        domain=Indicator.Domain.WORKFORCE,
        comparison=comparison,
        source=SOURCE,
        description=f'"{header}" in the school workforce census.',
        decimal_places=places,
        minimum=0.0,
        headline=code in {"teachers_fte", "pupil_teacher_ratio", "teacher_salary_mean"},
    )


def _key(header: str) -> str:
    """A header as compared: without spaces, in lower case ("Pupil:     Teacher Ratio" → "pupil:teacherratio")."""
    return re.sub(r"\s+", "", header).lower()


COUNT, AMOUNT = Indicator.Comparison.COUNT, Indicator.Comparison.AMOUNT
# Header (normalised) -> indicator.
WORKFORCE_INDICATORS: dict[str, IndicatorDefinition] = {
    _key(header): definition
    for header, definition in [
        (h, _workforce(code, name, unit, comparison, h, places))
        for h, code, name, unit, comparison, places in [
            ("Total Number of Teachers (Headcount)", "teachers_headcount", "Teachers (headcount)", "people", COUNT, 0),
            ("Total Number of Teaching Assistants (Headcount)", "tas_headcount", "Teaching assistants (headcount)", "people", COUNT, 0),
            (
                "Total Number of Non Classroom-based School Support Staff, Excluding Auxiliary Staff (Headcount)",
                "support_staff_headcount", "Support staff (headcount)", "people", COUNT, 0,
            ),
            ("Total Number of Teachers (Full-Time Equivalent)", "teachers_fte", "Teachers (FTE)", "FTE", AMOUNT, 1),
            ("Total Number of Teaching Assistants (Full-time Equivalent)", "tas_fte", "Teaching assistants (FTE)", "FTE", AMOUNT, 1),
            (
                "Total Number of Non Classroom-based School Support Staff, Excluding Auxiliary Staff (Full-Time Equivalent)",
                "support_staff_fte", "Support staff (FTE)", "FTE", AMOUNT, 1,
            ),
            ("Pupil: Teacher Ratio", "pupil_teacher_ratio", "Pupils per teacher", "pupils", AMOUNT, 1),
            ("Mean Gross FTE Salary of All Teachers (£s)", "teacher_salary_mean", "Mean teacher salary (FTE)", "£", AMOUNT, 0),
        ]
    ]
}  # fmt: skip
# Columns that say which school a row is about.
IDENTITY_COLUMNS = frozenset(_key(h) for h in ("LA Number", "Establishment Number", "URN", "School Phase"))


@register
class DfeWorkforce(PeriodOption):
    code = "dfe_workforce"
    name = "DfE school workforce census, school level (CSV)"
    description = "Teachers, teaching assistants and support staff; pupil:teacher ratio; mean teacher salary."
    indicators = list(WORKFORCE_INDICATORS.values())

    # What reading the file being imported found: columns no indicator reads, and a
    # last line cut short (skipped, with a warning).
    _unread: tuple[str, ...] = ()
    _cut_short: tuple[Problem, ...] = ()

    def measures(self, table: CsvTable) -> list[Measure]:
        self._unread = tuple(h for h in table.header if _key(h) not in WORKFORCE_INDICATORS.keys() | IDENTITY_COLUMNS)
        return [
            Measure(header, WORKFORCE_INDICATORS[_key(header)].code)
            for header in table.header
            if _key(header) in WORKFORCE_INDICATORS
        ]

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        stream = CsvStream(content, file_name, pad_short_rows=self.short_rows_are_blank)
        rows = list(stream.rows())
        last_line = content.count(b"\n") + 1
        ends_cut = not content.endswith((b"\n", b"\r"))
        cut = [p for p in stream.problems if ends_cut and p.line == last_line and len(stream.problems) == 1]
        if stream.problems and not cut:
            raise ImportRejected(stream.problems, rows_read=stream.rows_seen)
        self._cut_short = tuple(
            Problem(
                p.file,
                p.line,
                p.column,
                "the file ends part-way through this line"
                + (f' (before column "{p.column}")' if p.column else "")
                + ": the row was skipped, and any rows after it are not in the file",
                "warning",
            )
            for p in cut
        )
        return CsvTable(file_name, stream.header, rows)

    def parse(self, content: bytes, file_name: str) -> Staged:
        staged = super().parse(content, file_name)
        if self._cut_short:
            staged.problems.extend(self._cut_short)
            # The skipped row was read, and not taken.
            staged.rows_read += len(self._cut_short)
        if self._unread:
            staged.problems.append(unread_columns(file_name, self._unread))
        return staged
