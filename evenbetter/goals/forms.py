from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from evenbetter.indicators.models import Indicator


class IndicatorChoice(forms.Form):
    """The first step of setting a goal: which indicator (the evidence is then shown beside it)."""

    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), empty_label="Choose an indicator")

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    target = forms.FloatField(help_text="In the indicator's own unit.")
    due_on = forms.DateField(
        label="Reach it by", widget=forms.DateInput(attrs={"type": "date"}), help_text="The date to reach it by."
    )
    why = forms.CharField(
        label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this goal matters to you, in a few words.",
    )  # fmt: skip


class WordsForm(forms.Form):
    words = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
