"""More parts of the weekly digest, from apps above the practice library.

The digest (``practice.services.digest_send``) is the practice library's, and the library
stands below the apps that have more to say in it (goals and celebrations): they register a
``DigestPart`` from their own module, as panels are registered, and the digest asks each part
who may want it and what to say to each reader, since their last digest.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import ClassVar, TypeVar

from django.db.models import QuerySet

from evenbetter.accounts.models import User


class DigestPart(ABC):
    order: ClassVar[int]
    heading: ClassVar[str]

    @abstractmethod
    def readers(self) -> QuerySet[User]:
        """Who may have something in this part (the digest goes to them even if they follow nothing)."""

    @abstractmethod
    def lines(self, user: User, *, since: dt.datetime, until: dt.datetime) -> list[str]:
        """What this reader is told, each line in plain words; empty when nothing is new."""


_PARTS: list[type[DigestPart]] = []
P = TypeVar("P", bound=type[DigestPart])


def register_part(part_class: P) -> P:
    if part_class not in _PARTS:
        _PARTS.append(part_class)
    return part_class


def unregister_part(part_class: type[DigestPart]) -> None:
    if part_class in _PARTS:
        _PARTS.remove(part_class)


def digest_parts() -> list[DigestPart]:
    return [cls() for cls in sorted(_PARTS, key=lambda cls: (cls.order, cls.__module__, cls.__qualname__))]
