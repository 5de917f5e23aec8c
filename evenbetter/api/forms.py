"""The API tokens page's form: what a new token is for."""

from __future__ import annotations

from django import forms

from evenbetter.api.models import ApiToken

NAME_LENGTH = ApiToken._meta.get_field("name").max_length or 100


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
