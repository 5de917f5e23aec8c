from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from evenbetter.accounts.selectors import AnyUser
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to
from evenbetter.schools.models import Locality, Partnership
from evenbetter.schools.selectors import OFSTED_GRADES, DirectoryFilters, phases_visible_to


class LongSelect(forms.Select):
    """Django's ``Select``, written out in Python instead of through one template per option:
    the same HTML, for a list as long as every school in England (a system lead choosing the
    school behind a practice item: 24,000 options took 6 s to render through the templates)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Name, town, postcode, URN or local number", required=False, max_length=100)
    phase = forms.ChoiceField(required=False)
    locality: forms.ModelChoiceField[Locality] = forms.ModelChoiceField(
        queryset=Locality.objects.none(), required=False, to_field_name="slug", empty_label="Any locality"
    )
    partnership: forms.ModelChoiceField[Partnership] = forms.ModelChoiceField(
        queryset=Partnership.objects.none(), required=False, to_field_name="slug", empty_label="Any partnership"
    )
    ofsted = forms.ChoiceField(label="Ofsted rating", required=False)
    status = forms.ChoiceField(
        required=False, choices=[("open", "Open schools"), ("closed", "Closed schools"), ("all", "Open and closed")]
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any):
        super().__init__(*args, **kwargs)
        phase, locality, partnership, ofsted = (
            self.fields[name] for name in ("phase", "locality", "partnership", "ofsted")
        )
        assert isinstance(phase, forms.ChoiceField) and isinstance(ofsted, forms.ChoiceField)
        assert isinstance(locality, forms.ModelChoiceField) and isinstance(partnership, forms.ModelChoiceField)
        phase.choices = [("", "Any phase")] + [(p, p) for p in phases_visible_to(user)]
        locality.queryset = localities_visible_to(user)
        partnership.queryset = partnerships_visible_to(user)
        ofsted.choices = (
            [("", "Any rating")] + [(g, g) for g in OFSTED_GRADES] + [("none", "No rating on the register")]
        )

    def filters(self) -> DirectoryFilters:
        """The filters that were valid; a wrong value is reported and left out."""
        cleaned = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return DirectoryFilters(
            query=cleaned.get("q") or "",
            phase=cleaned.get("phase") or "",
            locality=cleaned.get("locality"),
            partnership=cleaned.get("partnership"),
            ofsted=cleaned.get("ofsted") or "",
            status=cleaned.get("status") or "open",
        )
