from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from evenbetter.accounts.selectors import AnyUser
from evenbetter.dashboards.selectors import outcome_localities, outcome_schools
from evenbetter.schools.access import own_locality_of, partnerships_visible_to


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


def with_own_locality(query: QueryDict, user: AnyUser) -> QueryDict:
    """The dashboard's filters as asked, opening on the reader's own locality when the address
    names no locality at all (an empty ``locality=`` is "every school you see", and stays so).
    The filters come back complete, so the address they make can be shared as it is."""
    if "locality" in query:
        return query
    own = own_locality_of(user)
    if own is None or not outcome_localities(user).filter(pk=own.pk).exists():
        return query
    filled = query.copy()
    filled["locality"] = own.slug
    return filled


class MapForm(DashboardFilter):
    indicator = forms.ChoiceField(label="Colour by", required=False)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
