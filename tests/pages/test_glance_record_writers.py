"""Every code that writes goals, concerns, partnership actions, help requests, a school's
responses to its risk score and the leads' decisions, a risk run, an inspection or a link
between schools, without the ``post_save`` signal renews their generation itself, or what is
kept over them (the school page's glance,
``pages.registry``: the panels' ``cache_key``; the watch list's rows, ``earlywarning.views``;
the newest run, ``earlywarning.selectors.current_run``) stays as it was after the write.

Each row saved says so through the signal (connected in each app's ``apps.py``: goals,
concerns, partnerships, support, earlywarning); a delete, an ``update``, a bulk insert (``bulk_create``,
``rows_insert``) or raw SQL into the table sends no ``post_save``. A check over the code: every
function of ours that writes those rows so must call the kind's ``*_records_changed`` (or
``records_changed``) itself, or be called only by functions of its module that do. A new writer
that forgets fails here, with its file and line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

from tests.code_checks import covered_by, functions_of, over_the_package

PACKAGE = Path(__file__).resolve().parents[2] / "evenbetter"
# The models, their tables, and what renews their generation.
KINDS = {
    "Goal": ("goals_goal", "goal_records_changed"),
    "Concern": ("concerns_concern", "concern_records_changed"),
    "Action": ("partnerships_action", "action_records_changed"),
    "HelpRequest": ("support_helprequest", "support_records_changed"),
    "RiskResponse": ("earlywarning_riskresponse", "risk_answer_records_changed"),
    "WatchDecision": ("earlywarning_watchdecision", "risk_answer_records_changed"),
    "Job": ("jobs_job", "job_records_changed"),
    "ImportRun": ("indicators_importrun", "import_records_changed"),
    # The newest run is kept beside the figures' generation (``earlywarning.selectors.current_run``).
    "RiskRun": ("earlywarning_riskrun", "figures_changed"),
    # The school page keeps its inspections and its links to the schools it was and became with
    # the glance, until an import is recorded (``indicators.panels``).
    "Inspection": ("indicators_inspection", "import_records_changed"),
    "SchoolLink": ("schools_schoollink", "import_records_changed"),
}


def _related_managers() -> dict[str, str]:
    """Each name by which another model's row reaches rows of a kind (``meeting.actions``,
    ``school.goals``, ``request.concern_set``): the kinds' foreign keys' other ends, from the
    models themselves, so that ``meeting.actions.all().delete()`` is found too."""
    models = {model.__name__: model for model in apps.get_models() if model.__name__ in KINDS}
    assert set(models) == set(KINDS), f"models not found: {set(KINDS) - set(models)}"
    return {
        field.remote_field.get_accessor_name(): kind
        for kind, model in models.items()
        for field in model._meta.get_fields()
        if (field.many_to_one or field.one_to_one) and field.concrete and not field.remote_field.hidden
    }


# Writes that send no post_save (a queryset's ``delete`` and ``update``, the bulk writes).
SILENT_WRITES = {"update", "delete", "bulk_create", "bulk_update", "rows_insert"}
RELATED_MANAGERS = _related_managers()
SQL_WRITE = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?!TEMP\.)")


def _names(node: ast.AST) -> set[str]:
    """The names a call chain goes through (``Action.objects.filter(…).delete`` → Action …), a
    related manager's as its kind's (``meeting.actions.all().delete`` → Action)."""
    found = set()
    while True:
        if isinstance(node, ast.Name):
            found.add(node.id)
            return found
        if isinstance(node, ast.Attribute):
            if node.attr in RELATED_MANAGERS:
                found.add(RELATED_MANAGERS[node.attr])
            node = node.value
        elif isinstance(node, ast.Call):
            found |= {arg.id for arg in node.args if isinstance(arg, ast.Name)}
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return found


def _aliases(function: ast.AST) -> dict[str, set[str]]:
    """The function's names that hold rows of a kind: a queryset kept in a variable
    (``fenced = Job.objects.filter(…)``) or a parameter annotated with the model
    (``fenced: QuerySet[Job]``), so that ``fenced.update(…)`` is found too."""
    held: dict[str, set[str]] = {}
    for node in ast.walk(function):
        one_name = isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        if one_name and _a_queryset(node.value) and (kinds := _names(node.value) & KINDS.keys()):  # type: ignore[attr-defined]
            held[node.targets[0].id] = kinds  # type: ignore[attr-defined]
        annotation = node.annotation if isinstance(node, ast.arg) else None
        if isinstance(annotation, ast.Subscript) and getattr(annotation.value, "id", "") == "QuerySet":
            named = {name.id for name in ast.walk(annotation) if isinstance(name, ast.Name)}
            if kinds := named & KINDS.keys():
                held[node.arg] = kinds  # type: ignore[attr-defined]
    return held


# What turns a queryset into one row (whose related rows' writes are another table's).
ONE_ROW = {"get", "first", "last", "latest", "earliest", "create", "get_or_create", "update_or_create"}


def _a_queryset(value: ast.AST) -> bool:
    """Whether ``value`` is a chain from a model's manager that stays a queryset
    (``Job.objects.filter(…)``, not ``Goal.objects.get(…)``)."""
    attributes = {node.attr for node in ast.walk(value) if isinstance(node, ast.Attribute)}
    last = value.func.attr if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) else ""
    return "objects" in attributes and last not in ONE_ROW


def _silent_writes(function: ast.AST) -> set[str]:
    """The kinds this function writes without ``post_save``."""
    kinds: set[str] = set()
    held = _aliases(function)
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SILENT_WRITES:
                names = _names(func.value)
                kinds |= names & KINDS.keys()
                kinds |= {kind for name in names & held.keys() for kind in held[name]}
            if isinstance(func, ast.Name) and func.id == "rows_insert" and node.args:
                kinds |= _names(node.args[0]) & KINDS.keys()
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WRITE.search(node.value.upper()):
            kinds |= {kind for kind, (table, _) in KINDS.items() if table.upper() in node.value.upper()}
        if isinstance(node, ast.For):  # for model in (Contact, Meeting, Action, …): model.objects….delete()
            loop = {elt.id for elt in getattr(node.iter, "elts", []) if isinstance(elt, ast.Name)}
            if loop & KINDS.keys() and any(
                isinstance(inner, ast.Attribute) and inner.attr in SILENT_WRITES for inner in ast.walk(node)
            ):
                kinds |= loop & KINDS.keys()
    return kinds


def forgetful_writers(source: str) -> tuple[dict[str, set[str]], list[str]]:
    """(each function of ``source`` that writes those rows silently, with the kinds; those of them
    that neither renew the kind's generation nor are called only by functions that do)."""
    functions = functions_of(source)

    def covered(name: str, kind: str) -> bool:
        return covered_by(functions, {KINDS[kind][1], "records_changed"})(name)

    writers = {name: kinds for name, node in functions.items() if (kinds := _silent_writes(node))}
    forgetful = [
        f"{name} (line {functions[name].lineno}: {kind})"
        for name, kinds in sorted(writers.items())
        for kind in sorted(kinds)
        if not covered(name, kind)
    ]
    return writers, forgetful


def test_the_check_finds_a_writer_that_forgets() -> None:
    source = """
def given(pk, user):
    Action.objects.filter(pk=pk).update(assignee=user)

def agreed(meeting, rows):
    Action.objects.bulk_create(rows)
    action_records_changed()

def _insert(rows):
    rows_insert(Action, ["title"], rows)

def written(rows):
    _insert(rows)
    action_records_changed()

def cleared():
    for model in (Contact, Meeting, Action):
        model.objects.filter(is_generated=True).delete()

def withdrawn(goal):
    goal.save()  # the signal says so

def raw(cursor):
    cursor.execute("DELETE FROM concerns_concern WHERE id = %s", [1])

def read(school):
    return list(Goal.objects.filter(school=school))

def kept(pk):
    fenced = Action.objects.filter(pk=pk)
    fenced.update(title="")

def given_rows(fenced: QuerySet[Goal]):
    return fenced.update(why="")

def struck_out(meeting):
    meeting.actions.all().delete()
"""
    writers, forgetful = forgetful_writers(source)
    assert set(writers) == {"given", "agreed", "_insert", "cleared", "raw", "kept", "given_rows", "struck_out"}
    assert forgetful == [
        "cleared (line 16: Action)",
        "given (line 2: Action)",
        "given_rows (line 33: Goal)",
        "kept (line 29: Action)",
        "raw (line 23: Concern)",
        "struck_out (line 36: Action)",
    ]


# Writes of what nothing kept shows, so they renew nothing: a running job's progress (its
# heartbeat, step, done and total; several times a step), which only the job's own page shows.
NOTHING_KEPT_SHOWS = ("evenbetter/jobs/services.py: __call__ (line",)


def test_every_silent_writer_of_those_records_renews_their_generation() -> None:
    writers, forgetful = over_the_package(PACKAGE, forgetful_writers)
    forgetful = [writer for writer in forgetful if not writer.startswith(NOTHING_KEPT_SHOWS)]
    # The silent writers known today are found (the check is not blind) …
    assert "meeting_record" in writers["evenbetter/partnerships/services.py"]
    assert "local_records_generate" in writers["evenbetter/demo/local_records.py"]
    assert {"job_execute", "_retry_marked", "__call__"} <= set(writers["evenbetter/jobs/services.py"])
    # … and none of them forgets.
    assert forgetful == [], "these write records that kept parts of pages show without renewing their generation"
