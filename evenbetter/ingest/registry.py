"""The registry of source formats: a new format is a new small class, not a new ``if``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import CommitCounts

if TYPE_CHECKING:
    from evenbetter.indicators.models import ImportRun


@dataclass
class Staged:
    """What a format read from a file, checked but not yet written."""

    records: list[Any]
    rows_read: int
    problems: list[Problem] = field(default_factory=list)
    # Rows that went into records; when None, one record per row.
    rows_accepted: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass
class Loaded:
    """What one import did (or, in a dry run, would do)."""

    counts: CommitCounts
    rows_read: int
    rows_accepted: int
    problems: list[Problem]


Progress = Callable[[int], None]


class SourceFormat(ABC):
    """One format of file the platform reads.

    ``parse`` reads and checks the whole file without touching the database; ``commit``
    writes what was staged, inside the transaction the runner opens.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str] = ""

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def parse(self, content: bytes, file_name: str) -> Staged: ...

    @abstractmethod
    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts: ...

    def load(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None = None) -> Loaded:
        """Read, check and write a file; the runner calls this inside one transaction.

        Raises ImportRejected when the file has any error; the transaction then writes
        nothing. Formats for very large files override this to stream (see observations).
        """
        staged = self.parse(content, file_name)
        accepted = len(staged.records) if staged.rows_accepted is None else staged.rows_accepted
        if staged.errors:
            raise ImportRejected(staged.problems, rows_read=staged.rows_read)
        counts = self.commit(staged, run)
        return Loaded(counts, staged.rows_read, accepted, staged.problems)


_FORMATS: dict[str, type[SourceFormat]] = {}
F = TypeVar("F", bound=type[SourceFormat])


def register(format_class: F) -> F:
    if format_class.code in _FORMATS:
        raise ValueError(f"Two source formats share the code {format_class.code!r}")
    _FORMATS[format_class.code] = format_class
    return format_class


def get_format(code: str, **options: Any) -> SourceFormat:
    try:
        format_class = _FORMATS[code]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise KeyError(f"Unknown source format {code!r}; known formats: {known}") from None
    return format_class(**options)


def all_formats() -> list[type[SourceFormat]]:
    return [_FORMATS[code] for code in sorted(_FORMATS)]
