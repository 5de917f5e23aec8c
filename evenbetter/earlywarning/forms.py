from __future__ import annotations

from typing import Any

from django import forms

from evenbetter.accounts.selectors import AnyUser
from evenbetter.earlywarning.models import RiskScore, WatchDecision
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to
from evenbetter.schools.forms import LongSelect


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


class WatchListFilterForm(forms.Form):
    """The watch list narrowed to a band, a locality or a partnership the reader sees; a value
    that is not offered is reported and left out."""

    band = forms.ChoiceField(label="Band", required=False)
    # A system lead sees every locality and partnership (128 options at national scale): drawn
    # through a template each, they were half the watch list's time.
    locality = forms.ChoiceField(label="Locality", required=False, widget=LongSelect)
    partnership = forms.ChoiceField(label="Partnership", required=False, widget=LongSelect)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localities = localities_visible_to(user).order_by("name").values_list("slug", "name")
        partnerships = partnerships_visible_to(user).order_by("name").values_list("slug", "name")
        self.fields["band"].choices = [("", "Every band"), *RiskScore.Band.choices]  # type: ignore[attr-defined]
        self.fields["locality"].choices = [("", "All localities you see"), *localities]  # type: ignore[attr-defined]
        self.fields["partnership"].choices = [("", "All partnerships you see"), *partnerships]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The filters that were valid, by name; empty for one left out."""
        cleaned = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {name: cleaned.get(name) or "" for name in ("band", "locality", "partnership")}
