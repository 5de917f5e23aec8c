from __future__ import annotations

from django import forms


class DisputeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What is wrong, and where the right figure comes from (for example your own census return).",
    )
    suggested_value = forms.FloatField(required=False, label="What the value should be (if you know)")


class DisputeResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("corrected", "Correct the value"), ("upheld", "Keep the value as it is")], widget=forms.RadioSelect
    )
    corrected_value = forms.FloatField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Note for the school")
