from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from evenbetter.accounts.models import AuditEvent
from evenbetter.accounts.selectors import AuditFilters
from evenbetter.pages.widgets import DateInput


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password do not match an account. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system lead to restore it.",
    }


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditEvent.Action.choices])
    user = forms.CharField(
        label="Username", required=False, max_length=150, help_text="Who acted, or whose account it was"
    )
    school = forms.CharField(label="School name or URN", required=False, max_length=100)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters that were valid; a wrong value is reported and left out."""
        cleaned = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return AuditFilters(
            action=cleaned.get("action") or "",
            username=(cleaned.get("user") or "").strip(),
            school=(cleaned.get("school") or "").strip(),
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
        )
