"""Every code that writes ``indicators.Observation`` rows drops the kept glance of the data of
the schools it wrote (``indicators.services.data_glance_dropped``), or the glance a school's page
shows stays as it was until the next refresh.

A check over the code: every function of ours that writes Observation rows — through the ORM
(``update``, ``delete``, ``bulk_create``, ``create`` …, on ``Observation`` or a school's
``observations``), by making an ``Observation`` to save, or in raw SQL naming the table — must
call ``data_glance_dropped`` itself, or be called only by functions of its module that do (the
store's ``_insert`` and ``_update``, under ``observations_write``). A new writer that forgets
fails here, with its file and line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.code_checks import covered_by, functions_of, over_the_package

PACKAGE = Path(__file__).resolve().parents[2] / "evenbetter"
DROPS = "data_glance_dropped"
WRITE_METHODS = {"update", "delete", "bulk_create", "bulk_update", "create", "get_or_create", "update_or_create"}
# A write into a table of the database (a temporary table of one's own is not the store).
SQL_WRITE = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?!TEMP\.)")
TABLE = "indicators_observation"


def _chain(node: ast.AST) -> list[ast.AST]:
    """A call chain's links, outermost first (``Observation.objects.filter(…).update``)."""
    links = []
    while True:
        links.append(node)
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return links


def _on_observations(node: ast.AST) -> bool:
    for link in _chain(node):
        if isinstance(link, ast.Name) and link.id == "Observation":
            return True
        if isinstance(link, ast.Attribute) and link.attr == "observations":
            return True
    return False


def _text(node: ast.AST) -> str:
    """A string's text; an f-string's with its fields as written (``INSERT INTO {table}``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        return "{" + ast.unparse(node.value) + "}"
    return ""


def _writes_observations(function: ast.AST) -> bool:
    names_table = False
    writes_sql = False
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in WRITE_METHODS and _on_observations(node.func.value):
                return True
            if node.func.attr == "save" and "observation" in ast.unparse(node.func.value).lower():
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Observation":
            return True  # an instance made to be saved
        if isinstance(node, ast.Attribute) and node.attr == "db_table" and _on_observations(node):
            names_table = True
        text = _text(node).upper()
        names_table = names_table or TABLE.upper() in text
        writes_sql = writes_sql or bool(SQL_WRITE.search(text))
    return names_table and writes_sql


def forgetful_writers(source: str) -> tuple[list[str], list[str]]:
    """(every function of ``source`` that writes Observation rows, those of them that neither
    drop the glance nor are called only by functions that do)."""
    functions = functions_of(source)
    covered = covered_by(functions, {DROPS})

    writers = sorted(name for name, node in functions.items() if _writes_observations(node))
    return writers, [f"{name} (line {functions[name].lineno})" for name in writers if not covered(name)]


def test_the_check_finds_a_writer_that_forgets() -> None:
    source = """
def corrected(pk, value):
    Observation.objects.filter(pk=pk).update(value=value)

def dropped_with_the_glance(pk, school_id):
    Observation.objects.filter(pk=pk).delete()
    data_glance_dropped([school_id])

def _insert(rows):
    cursor.execute(f"INSERT INTO {Observation._meta.db_table} VALUES (%s)", rows)

def staged(rows):  # reads the store, writes a temporary table of its own
    cursor.execute(f"INSERT INTO temp.staged SELECT * FROM {Observation._meta.db_table}")

def written(rows):
    _insert(rows)
    data_glance_dropped()

def cleared(school):
    school.observations.all().delete()

def made(school, indicator):
    Observation(school=school, indicator=indicator, period="2019/20").save()

def read(school):
    return list(Observation.objects.filter(school=school))
"""
    writers, forgetful = forgetful_writers(source)
    assert writers == ["_insert", "cleared", "corrected", "dropped_with_the_glance", "made"]
    assert forgetful == ["cleared (line 19)", "corrected (line 2)", "made (line 22)"]


def test_every_writer_of_observation_rows_drops_the_kept_glance() -> None:
    writers, forgetful = over_the_package(PACKAGE, forgetful_writers)
    # The writers known today are found (the check is not blind) …
    assert {"_insert", "_update", "observations_insert_select"} <= set(writers["evenbetter/indicators/store.py"])
    assert "dispute_resolve" in writers["evenbetter/indicators/services.py"]
    # … and none of them forgets.
    assert forgetful == [], "these write Observation rows without data_glance_dropped"
