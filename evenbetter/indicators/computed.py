"""Indicators the platform computes, or a form collects, rather than reads from a file.

Each kind is one small class in a registry (its code, name, owner, the indicator
definitions it keeps, and a ``measure`` that returns staged observations), registered by
the app that owns it from its own module: ``indicators/quality.py`` registers data quality,
``partnerships/indicators.py`` partnership life. Every one of them, and every value a form
collects, is written by ``computed_observations_record``: one ImportRun lifecycle, the
same provenance as a file (what wrote the values, when, from how much, what changed).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.problems import Problem
from evenbetter.indicators.runs import this_process
from evenbetter.indicators.store import IndicatorDefinition, StagedObservation, catalogue_sync, observations_write

UNEXPECTED = "the measure stopped on an unexpected error ({error}); nothing was written — please report it"


@dataclass
class Measured:
    """What a computed indicator measured, staged but not yet written."""

    staged: list[StagedObservation]
    # How much it was measured from (records read), and how much of that was used.
    rows_read: int
    options: dict[str, Any] = field(default_factory=dict)
    rows_accepted: int | None = None
    # Warnings kept with the run (a measure with an error raises instead).
    problems: list[Problem] = field(default_factory=list)


class ComputedIndicators(ABC):
    """One kind of indicator the platform computes from what it holds."""

    code: ClassVar[str]  # kept as the ImportRun's source format
    name: ClassVar[str]
    owner: ClassVar[str]  # the app that keeps it
    file_name: ClassVar[str] = "(computed)"
    definitions: ClassVar[list[IndicatorDefinition]]

    @abstractmethod
    def measure(self) -> Measured: ...


_COMPUTED: dict[str, type[ComputedIndicators]] = {}
C = TypeVar("C", bound=type[ComputedIndicators])


def register(computed_class: C) -> C:
    if computed_class.code in _COMPUTED:
        raise ValueError(f"Two computed indicators share the code {computed_class.code!r}")
    _COMPUTED[computed_class.code] = computed_class
    return computed_class


def all_computed() -> list[type[ComputedIndicators]]:
    return [_COMPUTED[code] for code in sorted(_COMPUTED)]


# Told where a measure is (a job's progress): the phase, then units done of the total. Each call
# comes outside the lifecycle's transaction, so a job can write it where others see it at once.
Phases = Callable[[str, int, int], None]


def computed_refresh(
    computed: ComputedIndicators | str, *, run_by: User | None = None, phases: Phases | None = None
) -> ImportRun:
    """Measure one computed indicator (an instance, or its code) and keep what it measured."""
    if isinstance(computed, str):
        computed = _COMPUTED[computed]()
    return _recorded(
        source_format=computed.code,
        file_name=computed.file_name,
        definitions=computed.definitions,
        run_by=run_by,
        measure=computed.measure,
        phases=phases,
    )


def computed_observations_record(
    *,
    source_format: str,
    file_name: str,
    staged: list[StagedObservation],
    definitions: list[IndicatorDefinition],
    rows_read: int,
    options: dict[str, Any],
    run_by: User | None = None,
    rows_accepted: int | None = None,
) -> ImportRun:
    """Write values the platform computed or a form collected, with an ImportRun for provenance
    like any file: what wrote them, when, from how much (``rows_read``, and ``rows_accepted``
    when not all of it), and what changed."""
    return _recorded(
        source_format=source_format,
        file_name=file_name,
        definitions=definitions,
        run_by=run_by,
        measure=lambda: Measured(staged, rows_read, options, rows_accepted),
    )


def _recorded(
    *,
    source_format: str,
    file_name: str,
    definitions: list[IndicatorDefinition],
    run_by: User | None,
    measure: Callable[[], Measured],
    phases: Phases | None = None,
) -> ImportRun:
    """The one lifecycle: open a run, measure, write everything or nothing, record the outcome.
    ``phases`` hears of the three moments (measuring, writing, written), each outside the write."""
    said = phases or (lambda phase, done, total: None)
    run = ImportRun.objects.create(
        source_format=source_format,
        file_name=file_name,
        run_by=run_by,
        status=ImportRun.Status.RUNNING,
        process=this_process(),
    )
    try:
        said("measuring", 0, 2)
        measured = measure()
        said(f"writing {len(measured.staged):,} values", 1, 2)
        # The values and the run's outcome commit together: a process killed before the
        # commit leaves nothing written and its run "running" until mark_interrupted_runs.
        with transaction.atomic():
            counts = observations_write(measured.staged, catalogue_sync(definitions), run)
            digest = hashlib.sha256(
                f"{source_format}:{len(measured.staged)}:{measured.options}:{timezone.now().isoformat()}".encode()
            )
            run.sha256 = digest.hexdigest()
            run.options = measured.options
            run.rows_read = measured.rows_read
            run.status = ImportRun.Status.SUCCEEDED
            run.rows_accepted = measured.rows_read if measured.rows_accepted is None else measured.rows_accepted
            run.records_created, run.records_updated = counts.created, counts.updated
            run.records_unchanged = counts.unchanged
            run.examples = counts.examples
            run.problems = [problem.as_dict() for problem in measured.problems]
            run.finished_at = timezone.now()
            run.save()
    except Exception as error:
        # Recorded as failed (nothing was written), and the error goes on to be seen.
        message = UNEXPECTED.format(error=f"{type(error).__name__}: {error}")
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            problems=[Problem(file_name, None, None, message).as_dict()],
        )
        import_records_changed()
        raise
    said(f"{len(measured.staged):,} values written", 2, 2)
    return run
