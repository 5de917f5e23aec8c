from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

from evenbetter.indicators.models import Indicator
from evenbetter.pages.widgets import DateInput

_DOMAIN_ORDER = {code: i for i, code in enumerate(Indicator.Domain.values)}
_DOMAIN_NAMES = dict(Indicator.Domain.choices)


class _ByDomain(ModelChoiceIterator):
    """The indicators grouped by domain (an <optgroup> each, in the domains' own order), by
    name within: several hundred in one flat list were hard to find one's way through."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        indicators = sorted(self.queryset, key=lambda i: (_DOMAIN_ORDER.get(i.domain, len(_DOMAIN_ORDER)), i.name))
        for domain, in_domain in groupby(indicators, key=lambda i: i.domain):
            yield (_DOMAIN_NAMES.get(domain, domain), [self.choice(i) for i in in_domain])


class IndicatorField(forms.ModelChoiceField):
    iterator = _ByDomain


class IndicatorChoice(forms.Form):
    """The first step of setting a goal: which indicator (the evidence is then shown beside it)."""

    indicator = IndicatorField(queryset=Indicator.objects.none(), empty_label="Choose an indicator")

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    target = forms.FloatField(help_text="In the indicator's own unit.")
    due_on = forms.DateField(label="Reach it by", widget=DateInput(), help_text="The date to reach it by.")
    why = forms.CharField(
        label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this goal matters to you, in a few words.",
    )  # fmt: skip


class WordsForm(forms.Form):
    words = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
