"""Django's JSON-null trap: ``exclude(import_run__options__generated=True)`` also drops the rows
whose run's options have no such key (the key compares as NULL, and NOT NULL is not true).

"Not generated" is said with a ``Case`` (``indicators.services.data_glance_keep``) or by taking
the generated rows away in Python (``indicators.selectors.generated_values_of``). These tests
show the trap on the database and check that no code of ours falls into it: no ``exclude()``
and no ``~Q()`` goes through a key of a JSON field."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from evenbetter.indicators.models import ImportRun

PACKAGE = Path(__file__).resolve().parents[2] / "evenbetter"


def _json_field_names() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        if model.__module__.startswith("evenbetter.")
        for field in model._meta.get_fields()
        if isinstance(field, models.JSONField)
    }


def _through_json_key(lookup: str, json_fields: set[str]) -> bool:
    parts = lookup.split("__")
    return any(part in json_fields for part in parts[:-1])


def _lookups(call: ast.Call) -> list[str]:
    """The keyword lookups of a call, and of every ``Q(…)`` in its arguments."""
    found = [keyword.arg for keyword in call.keywords if keyword.arg]
    for argument in call.args:
        for node in ast.walk(argument):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q":
                found += [keyword.arg for keyword in node.keywords if keyword.arg]
    return found


def negated_json_keys(source: str, json_fields: set[str]) -> list[tuple[int, str]]:
    """(line, lookup) of every ``exclude()`` or ``~Q()`` in ``source`` that goes through a key of
    one of ``json_fields``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        negated: ast.Call | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exclude":
            negated = node
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert) and isinstance(node.operand, ast.Call):
            negated = node.operand
        if negated is not None:
            found += [(node.lineno, lookup) for lookup in _lookups(negated) if _through_json_key(lookup, json_fields)]
    return sorted(found)


def test_the_check_finds_the_trap_written_either_way() -> None:
    source = (
        "rows.exclude(import_run__options__generated=True)\n"
        "rows.filter(~Q(import_run__options__generated=True))\n"
        "rows.exclude(Q(status='x') | Q(import_run__options__seed=1))\n"
        "rows.filter(import_run__options__generated=True).exclude(status='x')\n"
    )
    assert negated_json_keys(source, {"options"}) == [
        (1, "import_run__options__generated"),
        (2, "import_run__options__generated"),
        (3, "import_run__options__seed"),
    ]


def test_no_code_of_ours_excludes_through_a_json_key() -> None:
    json_fields = _json_field_names()
    assert {"options", "reasons"} <= json_fields
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {lookup}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for line, lookup in negated_json_keys(path.read_text(encoding="utf-8"), json_fields)
    ]
    assert found == [], "an exclude() or ~Q() through a JSON key also drops the rows without the key"


@pytest.mark.django_db
def test_the_trap_is_real_so_the_check_is_needed() -> None:
    common = {"source_format": "generic", "file_name": "f.csv", "sha256": "0" * 64, "status": "succeeded"}
    plain = ImportRun.objects.create(options={}, **common)
    made_up = ImportRun.objects.create(options={"generated": True}, **common)
    real = ImportRun.objects.create(options={"generated": False}, **common)
    excluded = set(ImportRun.objects.exclude(options__generated=True).values_list("pk", flat=True))
    assert made_up.pk not in excluded and real.pk in excluded
    assert plain.pk not in excluded  # the trap: a run that never said "generated" is dropped too
