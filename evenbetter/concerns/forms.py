from __future__ import annotations

from django import forms

from evenbetter.vocabulary.concerns import CONCERN_AREAS


class ConcernForm(forms.Form):
    area = forms.ChoiceField(
        label="What is it about?",
        choices=[(area.code, f"{area.name}: {area.prompt}") for area in CONCERN_AREAS],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="In a few words",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you have seen, and since when. Facts, not judgements: the school will read this.",
    )
    name_shown_to_school = forms.BooleanField(
        label="The school may see that I raised it",
        required=False,
        help_text="Your system and locality leads always see who raised a concern; the school sees it only if you tick this.",
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if len(text) < 10:
            raise forms.ValidationError("Say a little more: at least ten characters.")
        return text


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="The school's answer",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you know, what you are doing, or why you see it differently. Whoever raised it reads this.",
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Why it is closed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dealt with, or not a fair concern. The school and whoever raised it read this.",
    )
