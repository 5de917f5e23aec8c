from __future__ import annotations

from typing import Any

from django import forms

from evenbetter.accounts.selectors import AnyUser
from evenbetter.dashboards.selectors import outcome_localities, outcome_schools
from evenbetter.schools.access import partnerships_visible_to


class DashboardFilter(forms.Form):
    locality = forms.ChoiceField(label="Locality", required=False)
    partnership = forms.ChoiceField(label="Partnership", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localities = outcome_localities(user).order_by("name").values_list("slug", "name")
        partnerships = partnerships_visible_to(user).order_by("name").values_list("slug", "name")
        self.fields["locality"].choices = [("", "All localities you see"), *localities]  # type: ignore[attr-defined]
        self.fields["partnership"].choices = [("", "All partnerships"), *partnerships]  # type: ignore[attr-defined]
        phases = outcome_schools(user).exclude(phase="").values_list("phase", flat=True).distinct().order_by("phase")
        self.fields["phase"].choices = [("", "All phases"), *((p, p) for p in phases)]  # type: ignore[attr-defined]


class MapForm(DashboardFilter):
    indicator = forms.ChoiceField(label="Colour by", required=False)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
