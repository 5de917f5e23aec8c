"""Checks over the code's own source (``ast``), shared by the checks that every writer of rows
something is kept over renews what is kept (``Observation`` values and the kept glance of the
data; goals, concerns, actions and help and their generations): the functions a module defines,
the names each calls, and whether a function is *covered* — it calls a renewer itself, or every
function of the module that calls it is covered."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

Function = ast.FunctionDef | ast.AsyncFunctionDef


def functions_of(source: str) -> dict[str, Function]:
    """Every function (and method) of the source, by name."""
    return {node.name: node for node in ast.walk(ast.parse(source)) if isinstance(node, Function)}


def calls_of(function: ast.AST) -> set[str]:
    """The names a function calls: ``f(…)`` and ``x.f(…)`` both give ``f``."""
    called = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    return called


def covered_by(functions: dict[str, Function], renewers: set[str]) -> Callable[[str], bool]:
    """Whether a function of ``functions`` calls one of ``renewers``, or is called only by
    functions that are covered (and by at least one)."""
    calls = {name: calls_of(node) for name, node in functions.items()}

    def covered(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if renewers & calls[name]:
            return True
        callers = [other for other in functions if name in calls[other] and other != name and other not in seen]
        return bool(callers) and all(covered(caller, seen | {name}) for caller in callers)

    return covered


def over_the_package(package: Path, check: Callable[[str], tuple[Any, list[str]]]) -> tuple[dict[str, Any], list[str]]:
    """``check`` (a module's source → what it found, the forgetful among them) over every module
    of ``package`` but its migrations: what each module found (by its path from the package's
    parent, modules that found nothing left out), and every forgetful one as ``module: name``."""
    found_in: dict[str, Any] = {}
    forgetful: list[str] = []
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found, forgot = check(path.read_text(encoding="utf-8"))
        module = str(path.relative_to(package.parent))
        if found:
            found_in[module] = found
        forgetful += [f"{module}: {name}" for name in forgot]
    return found_in, forgetful
