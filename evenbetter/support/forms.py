from __future__ import annotations

from typing import Any

from django import forms

from evenbetter.pages.widgets import DateInput
from evenbetter.partnerships.models import Agency
from evenbetter.schools.models import School
from evenbetter.support.models import Engagement, HelpRequest, SupportReview
from evenbetter.vocabulary.areas import AREAS


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
    agency = forms.ModelChoiceField(
        label="Ask an agency or service directly (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="No: a broker finds a school or service to help",
        help_text="Early help, educational psychology, attendance, SEND, school nursing, police liaison and the "
        "other agencies that offer help or already work with the school.",
    )
    school_agreed = forms.BooleanField(
        label="The school has agreed to this request being made on its behalf", required=False
    )

    def __init__(self, *args: Any, on_behalf: bool, agencies: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        if not on_behalf:
            del self.fields["school_agreed"]
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        if agencies is None or not agencies.exists():
            del self.fields["agency"]
        else:
            agency.queryset = agencies

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


# --- Brokerage steps ---------------------------------------------------------------------


class SuggestForm(forms.Form):
    """The choice is "school:<id>" or "agency:<id>" (from the suggestions), or another school by URN."""

    supporter = forms.ChoiceField(label="School or service to suggest", widget=forms.RadioSelect, required=False)
    urn = forms.IntegerField(label="…or another school, by URN", required=False, min_value=1)
    note = forms.CharField(label="Note to both schools", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, suggestions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        supporter = self.fields["supporter"]
        assert isinstance(supporter, forms.ChoiceField)
        supporter.choices = list(suggestions)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        urn, picked = cleaned.get("urn"), cleaned.get("supporter")
        cleaned["school"] = cleaned["agency"] = None
        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                self.add_error("urn", f"No school has URN {urn}.")
            cleaned["school"] = school
        elif picked:
            kind, _, pk = str(picked).partition(":")
            if kind == "agency":
                cleaned["agency"] = Agency.objects.get(pk=int(pk))
            else:
                cleaned["school"] = School.objects.get(pk=int(pk))
        elif not self.errors:
            self.add_error("supporter", "Pick a school or service, or give another school's URN.")
        return cleaned


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Why your school cannot help now", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AgreeForm(forms.Form):
    objectives = forms.CharField(
        label="Objectives the two schools will work towards (one a line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        help_text="For example: all Year 1 teachers observe phonics at the partner school by half term.",
    )


class EngagementForm(forms.Form):
    on = forms.DateField(label="Date", widget=DateInput())
    kind = forms.ChoiceField(label="What it was", choices=Engagement.Kind.choices)
    days = forms.DecimalField(label="Days of staff time", min_value=0.1, max_value=30, decimal_places=1)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=3000)


class ReviewForm(forms.Form):
    benefit = forms.TypedChoiceField(
        label="How much did your school gain from it?",
        coerce=int,
        choices=[(1, "1 — nothing"), (2, "2 — a little"), (3, "3 — some"), (4, "4 — a lot"), (5, "5 — a great deal")],
        widget=forms.RadioSelect,
    )
    objectives_met = forms.ChoiceField(label="Were the objectives met?", choices=SupportReview.Met.choices)
    what_changed = forms.CharField(
        label="What changed, or what your school learnt", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
