"""Form widgets every app's forms share.

``DateInput``: the browser's own date picker (``<input type="date">``), whose value must be
written ``yyyy-mm-dd`` whatever the site's language: Django writes a date in the language's
first input format (``dd/mm/yyyy`` for British English), which the browser refuses and shows as
an empty field — a form's initial date (today, for "done on") was lost. What the browser sends
back is ``yyyy-mm-dd``, which every ``DateField`` reads.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)
