from __future__ import annotations

from typing import Any

from django import forms

from evenbetter.partnerships.models import AREAS
from evenbetter.support.models import HelpRequest


class HelpRequestForm(forms.Form):
    area = forms.ChoiceField(label="Area", choices=AREAS)
    title = forms.CharField(label="What help is wanted, in a line", max_length=200)
    description = forms.CharField(
        label="More about it", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text="What you have tried, what you want to change, and what good help would look like.",
    )  # fmt: skip
    urgency = forms.ChoiceField(label="How urgent", choices=HelpRequest.Urgency.choices, initial="this_term")
    kind = forms.ChoiceField(label="What kind of help", choices=HelpRequest.Kind.choices)
    visibility = forms.ChoiceField(
        label="Who may see it", choices=HelpRequest.Visibility.choices, widget=forms.RadioSelect, initial="named"
    )
    school_agreed = forms.BooleanField(
        label="The school has agreed to this request being made on its behalf", required=False
    )

    def __init__(self, *args: Any, on_behalf: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        if not on_behalf:
            del self.fields["school_agreed"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.on_behalf and not cleaned.get("school_agreed"):
            self.add_error(
                "school_agreed", "Ask the school first: a request is only made on its behalf with its agreement."
            )
        return cleaned


class SupportOfferForm(forms.Form):
    area = forms.ChoiceField(label="Area", choices=AREAS)
    description = forms.CharField(label="What you can offer", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    days_per_term = forms.DecimalField(label="Days a term you can give", min_value=0.5, max_value=60, decimal_places=1)
