"""Problems found in a file, each with where it is: file, line and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class ImportRejected(Exception):
    """The file cannot be imported; nothing has been written."""

    def __init__(self, problems: list[Problem], *, rows_read: int = 0):
        self.problems = problems
        self.rows_read = rows_read
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "The file was rejected.")
