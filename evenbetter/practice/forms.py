from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from evenbetter.accounts.selectors import AnyUser
from evenbetter.pages.widgets import DateInput
from evenbetter.practice.models import Phase, PracticeItem, Tried
from evenbetter.practice.search import MODES
from evenbetter.schools.forms import SCHOOLS_LISTED, LongSelect, SchoolSearchSelect
from evenbetter.schools.models import School
from evenbetter.vocabulary.areas import AREAS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=PracticeItem.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(label="In a sentence or two", max_length=300)
    body = forms.CharField(
        label="The whole of it", widget=forms.Textarea(attrs={"rows": 10}), max_length=20000,
        help_text="Markdown: **bold**, *italic*, lists with -, headings with #, links as [words](https://…).",
    )  # fmt: skip
    areas = forms.MultipleChoiceField(label="Areas", choices=AREAS, widget=forms.CheckboxSelectMultiple)
    phase = forms.ChoiceField(label="Phase", choices=Phase.choices)


class NewItemForm(ItemForm):
    school = forms.ModelChoiceField(label="The school behind it", queryset=School.objects.none(), widget=LongSelect)
    attachments = MultipleFileField(
        label="Attachments (optional)", required=False,
        help_text="PDF, pictures (PNG, JPEG, GIF) or office documents (Word, Excel, PowerPoint, OpenDocument).",
    )  # fmt: skip

    field_order = ["school", "kind", "title", "summary", "body", "areas", "phase", "attachments"]

    def __init__(self, *args: Any, schools: QuerySet[School], user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools
        # More schools than a list can hold (a system lead may share for any open school):
        # the reader finds the school by searching, and the list offers only what matches.
        if user is not None and schools.count() > SCHOOLS_LISTED:
            picker = SchoolSearchSelect(search_url=reverse("practice_create"))
            source = self.data if self.is_bound else self.initial
            picker.narrow(
                user=user,
                schools=schools,
                query=str(source.get(SchoolSearchSelect.query_name) or ""),
                chosen=source.get("school"),
            )
            picker.is_required = field.required
            field.widget = picker


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    mode = forms.ChoiceField(label="Match", choices=list(MODES.items()), required=False)
    area = forms.ChoiceField(label="Area", choices=[("", "Any area"), *AREAS], required=False)
    phase = forms.ChoiceField(label="Phase", choices=[("", "Any phase"), *Phase.choices], required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Ideas, stories and activities"), *PracticeItem.Kind.choices], required=False
    )
    order = forms.ChoiceField(
        label="Order", choices=[("", "Newest first"), ("evidence", "By evidence")], required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TriedForm(forms.Form):
    school = forms.ModelChoiceField(label="Your school", queryset=School.objects.none())
    outcome = forms.ChoiceField(label="How did it go?", choices=Tried.Outcome.choices)
    started_on = forms.DateField(
        label="When did you start?",
        help_text="The first day of the term you started is fine. Your results are measured from the year before.",
        widget=DateInput(),
        error_messages={"invalid": "Give the day you started as a date, for example 2024-09-04."},
    )
    note = forms.CharField(label="In a line", max_length=500, required=False)

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools


class ReasonForm(forms.Form):
    reason = forms.CharField(label="What is wrong with it?", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ModerateForm(forms.Form):
    note = forms.CharField(label="Note (shown to its author)", max_length=2000, required=False)
