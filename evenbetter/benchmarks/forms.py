from __future__ import annotations

import re
from typing import Any

from django import forms

from evenbetter.accounts.selectors import AnyUser
from evenbetter.benchmarks.models import ComparatorSet
from evenbetter.schools.access import schools_visible_to
from evenbetter.schools.forms import LARGEST_URN
from evenbetter.schools.models import Locality, School
from evenbetter.vocabulary.areas import AREA_INDICATORS, AREAS


class ComparatorSetForm(forms.Form):
    name = forms.CharField(max_length=120, help_text='e.g. "Rural primaries we work with"')
    kind = forms.ChoiceField(choices=ComparatorSet.Kind.choices, widget=forms.RadioSelect, initial="by_hand")
    urns = forms.CharField(
        label="Schools, by URN",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For a set chosen by hand: the schools' URNs, separated by commas, spaces or new lines.",
    )
    within_km = forms.FloatField(
        label="Within (km)",
        required=False,
        min_value=0.5,
        max_value=100,
        help_text="For nearby schools like us: how far to look. The most similar schools within it are kept.",
    )
    size = forms.IntegerField(label="How many schools", min_value=3, max_value=60, initial=15, required=False)

    def __init__(self, *args: Any, user: AnyUser, school: School, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.school = school
        self.members: list[School] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == ComparatorSet.Kind.BY_HAND:
            self.members = self._schools_from_urns(cleaned.get("urns") or "")
        elif cleaned.get("kind") == ComparatorSet.Kind.NEARBY and cleaned.get("within_km") is None:
            self.add_error("within_km", "Say how far to look for nearby schools.")
        return cleaned

    def _schools_from_urns(self, text: str) -> list[School]:
        tokens = [t for t in re.split(r"[\s,;]+", text) if t]
        if not tokens:
            self.add_error("urns", "List the URNs of the schools to compare with.")
            return []
        bad = [t for t in tokens if not (t.isascii() and t.isdigit()) or int(t) > LARGEST_URN]
        if bad:
            self.add_error("urns", f"These are not URNs (a URN is a number): {', '.join(bad[:10])}.")
            return []
        urns = {int(t) for t in tokens}
        found = {s.urn: s for s in schools_visible_to(self.user).filter(urn__in=urns)}
        unknown = sorted(urns - set(found))
        if unknown:
            self.add_error("urns", f"No school you can see has the URN {', '.join(str(u) for u in unknown[:10])}.")
            return []
        return list(found.values())


class ExplorerForm(forms.Form):
    indicator = forms.CharField(required=False)
    period = forms.CharField(required=False, max_length=20)
    scope = forms.CharField(required=False, max_length=220)
    phase = forms.CharField(required=False, max_length=60)
    school = forms.IntegerField(required=False, min_value=1)


class StrengthsForm(forms.Form):
    area = forms.ChoiceField(
        label="Strong in",
        choices=[("", "Choose an area")] + [(code, name) for code, name in AREAS if code in AREA_INDICATORS],
    )
    locality = forms.ModelChoiceField(
        label="Where",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="Anywhere (every school you may see)",
    )

    def __init__(self, *args: Any, localities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = localities  # type: ignore[attr-defined]
