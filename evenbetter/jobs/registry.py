"""What the workers can do: kinds of job, and the steps of the refresh after an import.

``jobs`` sits low in the layers (just above ``indicators``), so it cannot call the apps that
know how to refresh families or score risk. Those apps register into these two registries
from their own ``jobs`` module instead (found by ``autodiscover_modules("jobs")`` when
``evenbetter.jobs`` starts), each a small class:

- a ``RefreshStep`` is one step of the refresh that follows every import, run in ``order``
  (data quality 100, computed indicators 200, the glance of the data 210, contact summaries 250, families and benchmarks
  300, what practice achieved 350, risk 400); each
  writes all or nothing (one transaction), so a failure leaves no step half-done; a step
  that works in units (indicators, computed kinds) says how far it is with
  ``self.progress(done=…, total=…)``, which the job page shows while it runs;
- a ``JobKind`` is something a worker runs: the refresh itself, a schedule's job (the
  digest, the backup, the termly risk run, the staleness check, the nightly contact summaries).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from evenbetter.jobs.models import Job


class Progress(Protocol):
    """How a running job says where it is: written outside any step's transaction."""

    def __call__(self, *, step: str | None = None, done: int | None = None, total: int | None = None) -> None: ...


def _unheard(*, step: str | None = None, done: int | None = None, total: int | None = None) -> None:
    """Progress nobody listens to: a step run outside a job (a test, a command)."""


class RefreshStep(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    order: ClassVar[int]

    def __init__(self) -> None:
        # Set by the refresh before ``run``: units done of the step's total.
        self.progress: Progress = _unheard

    def is_wanted(self) -> bool:
        """Whether the step runs in this refresh (a setting may turn it off)."""
        return True

    @abstractmethod
    def run(self) -> None:
        """Do the step, writing everything or nothing (one transaction)."""


class JobKind(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    # Whether a request while one is queued joins it instead of queuing a second.
    coalesce: ClassVar[bool] = False

    @abstractmethod
    def run(self, job: Job, progress: Progress) -> None: ...


_STEPS: dict[str, type[RefreshStep]] = {}
_KINDS: dict[str, type[JobKind]] = {}
S = TypeVar("S", bound=type[RefreshStep])
K = TypeVar("K", bound=type[JobKind])


def register_step(step_class: S) -> S:
    if step_class.code in _STEPS:
        raise ValueError(f"Two refresh steps share the code {step_class.code!r}")
    _STEPS[step_class.code] = step_class
    return step_class


def register_kind(kind_class: K) -> K:
    if kind_class.code in _KINDS:
        raise ValueError(f"Two kinds of job share the code {kind_class.code!r}")
    _KINDS[kind_class.code] = kind_class
    return kind_class


def refresh_steps() -> list[RefreshStep]:
    """Every step of the refresh, in order (then code: never the apps' order)."""
    return [cls() for cls in sorted(_STEPS.values(), key=lambda cls: (cls.order, cls.code))]


def job_kind(code: str) -> JobKind:
    try:
        return _KINDS[code]()
    except KeyError:
        raise ValueError(f"No kind of job is called {code!r}; known: {', '.join(sorted(_KINDS))}") from None


def job_kinds() -> list[str]:
    return sorted(_KINDS)


@contextmanager
def register_temporarily(cls: type[RefreshStep] | type[JobKind]) -> Iterator[None]:
    """Register a step or a kind for the length of a test."""
    registry: dict = _STEPS if issubclass(cls, RefreshStep) else _KINDS
    if cls.code in registry:
        raise ValueError(f"{cls.code!r} is registered already")
    registry[cls.code] = cls
    try:
        yield
    finally:
        registry.pop(cls.code, None)
