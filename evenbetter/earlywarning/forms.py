from __future__ import annotations

from django import forms

from evenbetter.earlywarning.models import WatchDecision


class RiskResponseForm(forms.Form):
    text = forms.CharField(
        label="Your response",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Context the score cannot see, a value you believe is wrong, or what you are already doing. "
        "Everyone who sees this school's risk sees your response beside it.",
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if len(text) < 10:
            raise forms.ValidationError("Say a little more: at least ten characters.")
        return text


class WatchDecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Decision", choices=WatchDecision.Kind.choices)
    note = forms.CharField(label="Note", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
