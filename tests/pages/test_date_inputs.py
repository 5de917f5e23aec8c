"""Every date picker of every form writes its date as the browser reads it (``yyyy-mm-dd``):
Django writes a date in the language's first input format (``dd/mm/yyyy`` in British English),
which ``<input type="date">`` refuses — the field showed empty and the form's initial date (today,
for an action's "done on") was lost, with a warning in the browser's console."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

from django import forms

import evenbetter
from evenbetter.pages.widgets import DateInput

DAY = dt.date(2026, 12, 7)


def _date_pickers() -> list[tuple[str, forms.Widget]]:
    found = []
    for app in pkgutil.iter_modules(evenbetter.__path__):
        try:
            module = importlib.import_module(f"evenbetter.{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    if getattr(field.widget, "input_type", None) == "date":
                        found.append((f"{module.__name__}.{name}.{field_name}", field.widget))
    return found


def test_every_date_picker_writes_its_date_as_the_browser_reads_it() -> None:
    pickers = _date_pickers()
    assert len(pickers) >= 9  # goals, voice, partnerships, support, schools, accounts (2), practice
    for where, widget in pickers:
        html = widget.render("on", DAY)
        assert 'value="2026-12-07"' in html, f"{where}: {html}"


def test_the_shared_picker_reads_what_the_browser_sends() -> None:
    field = forms.DateField(widget=DateInput())
    assert field.clean("2026-12-07") == DAY
    assert 'type="date"' in DateInput().render("on", DAY)
