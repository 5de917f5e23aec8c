"""The API tokens page's form: what a new token is for, and how long it works."""

from __future__ import annotations

from django import forms

from evenbetter.api.models import DEFAULT_LIFETIME, LIFETIMES, NAME_LENGTH

LIFETIME_CHOICES = [(days, f"{days} days" + (" (a year)" if days == 365 else "")) for days in LIFETIMES]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What the token is for",
        max_length=NAME_LENGTH,
        help_text=f'For example "LA dashboard" or "Governors\' spreadsheet": up to {NAME_LENGTH} characters, '
        "so that you can tell your tokens apart.",
        error_messages={
            "required": "Say what the token is for: its name cannot be empty.",
            "max_length": f"The name is too long: keep it to {NAME_LENGTH} characters or fewer "
            "(it has %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    days = forms.TypedChoiceField(
        label="How long it works",
        choices=LIFETIME_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        initial=DEFAULT_LIFETIME,
        help_text="After that the API refuses it and you make a new one; you can revoke it sooner.",
        error_messages={
            "invalid_choice": f"Choose how long the token works: {', '.join(str(d) for d in LIFETIMES[:-1])} "
            f"or {LIFETIMES[-1]} days."
        },
    )

    def clean_days(self) -> int:
        """Not given (a program posting the form, an old page): the default."""
        days = self.cleaned_data.get("days")
        return DEFAULT_LIFETIME if days is None else int(days)
