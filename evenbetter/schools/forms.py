from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import AnyUser
from evenbetter.pages.options import options_html
from evenbetter.pages.widgets import DateInput
from evenbetter.schools.access import localities_visible_to, partnerships_visible_to, schools_placeable_by
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.schools.selectors import OFSTED_GRADES, DirectoryFilters, phases_visible_to, school_search


class LongSelect(forms.Select):
    """Django's ``Select``, written out in Python instead of through one template per option:
    the same HTML, for a list as long as every school in England (a system lead choosing the
    school behind a practice item: 24,000 options took 6 s to render through the templates)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = options_html(
            (
                (group_name or None, [(option["value"], option["label"], flatatt(option["attrs"])) for option in group])
                for group_name, group, _ in widget["optgroups"]
            ),
            django_layout=True,
        )
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), options)


# A choice among more schools than this is made by searching (SchoolSearchSelect).
SCHOOLS_LISTED = 100


class SchoolSearchSelect(LongSelect):
    """A choice of one school among very many (a system lead may choose any of 24,000): a
    search box over the school search (``school_search``, narrowed to the field's schools)
    above a list of the schools that match and the one already chosen. With JavaScript, htmx
    asks the form's page again as the reader types and puts the new list in place; without
    it, the Find button sends the form back to be shown again with the list narrowed, nothing
    saved. Validation is the field's own (its queryset: every school it offers)."""

    query_name = "school_q"

    def __init__(self, *, search_url: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.search_url, self.query, self.summary = search_url, "", ""

    def narrow(self, *, user: AnyUser, schools: QuerySet[School], query: str, chosen: Any) -> None:
        """List the schools among ``schools`` that match ``query``, and the one ``chosen`` (an id)."""
        self.query = " ".join(query.split())
        found: list[School] = []
        if self.query:
            search = school_search(user=user, query=self.query, among=schools)
            found = search.schools
            if search.problem:
                self.summary = search.problem
            elif not found:
                self.summary = f"No school you may choose matches “{self.query}”."
            elif search.more:
                self.summary = f"{search.total:,} schools match “{self.query}”; the first {len(found)} are listed."
            else:
                self.summary = (
                    f"1 school matches “{self.query}”."
                    if search.total == 1
                    else f"{search.total:,} schools match “{self.query}”."
                )
        else:
            self.summary = "Type part of the school's name, its town or its URN, then choose it from the list."
        chosen_id = str(chosen or "")
        if chosen_id.isdigit() and all(str(school.pk) != chosen_id for school in found):
            found = [*schools.filter(pk=int(chosen_id)).only("pk", "name", "urn"), *found]
        self.choices = [("", "Choose a school"), *((school.pk, str(school)) for school in found)]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        select = super().render(name, value, attrs, renderer)
        widget_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="school-picker">'
            '<label for="{id}-q" class="small">Search by name, town or URN</label>'
            '<div class="search-row"><input type="search" id="{id}-q" name="{query_name}" value="{query}"'
            ' maxlength="100" autocomplete="off" hx-get="{url}" hx-trigger="input changed delay:400ms, search"'
            ' hx-target="#{id}-choices" hx-select="#{id}-choices" hx-swap="outerHTML" hx-sync="this:replace">'
            '<button type="submit" name="find" value="1" class="button secondary" formnovalidate>Find</button></div>'
            '<div id="{id}-choices"><p class="muted small" role="status">{summary}</p>{select}</div></div>',
            id=widget_id,
            query_name=self.query_name,
            query=self.query,
            url=self.search_url,
            summary=self.summary,
            select=select,
        )


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


MOST_SCHOOLS_NAMED = 2000
LARGEST_URN = 2_147_483_647


class LocalityForm(forms.Form):
    """An agreed locality: its name, who agreed it and when, its schools (by URN, or a register
    district's to start from) and a lead. What the user may not do is said on the field."""

    name = forms.CharField(max_length=150, help_text='e.g. "Alton and the villages"')
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    agreed_by = forms.CharField(
        label="Agreed by",
        max_length=300,
        help_text="The partners who agreed it, e.g. the council, police and NHS trust",
    )
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput())
    district: forms.ModelChoiceField[Locality] = forms.ModelChoiceField(
        label="Start from a register district",
        queryset=Locality.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="— none —",
        help_text="Its open schools are added to those listed below.",
    )
    urns = forms.CharField(
        label="Schools (URNs)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The URNs of its schools, separated by spaces, commas or new lines.",
    )
    lead = forms.CharField(
        label="Lead (user name)",
        max_length=150,
        required=False,
        help_text="Someone with an account here; they become a locality lead of it.",
    )

    def __init__(self, *args: Any, user: AnyUser, locality: Locality | None = None, **kwargs: Any):
        if locality is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": locality.name,
                    "description": locality.description,
                    "agreed_by": locality.agreed_by,
                    "agreed_on": locality.agreed_on,
                    "urns": " ".join(
                        str(urn)
                        for urn in locality.schools.exclude(status=School.Status.CLOSED)
                        .exclude(urn=None)
                        .order_by("urn")
                        .values_list("urn", flat=True)
                    ),
                },
            )
        super().__init__(*args, **kwargs)
        self.user, self.locality = user, locality
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = Locality.objects.filter(source=Locality.Source.REGISTER_DISTRICT).order_by("name")
        if locality is not None:  # a district is where a new locality starts from
            del self.fields["district"]
        self.schools: list[School] = []
        self.lead_user: User | None = None

    def clean_agreed_on(self) -> Any:
        day = self.cleaned_data["agreed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date is in the future: record the agreement once it is made.")
        return day

    def clean_urns(self) -> list[int]:
        words = [word for word in re.split(r"[\s,;]+", self.cleaned_data["urns"]) if word]
        if len(words) > MOST_SCHOOLS_NAMED:
            raise forms.ValidationError(f"{len(words)} URNs: name at most {MOST_SCHOOLS_NAMED} at a time.")
        wrong = [word for word in words if not (word.isascii() and word.isdigit()) or int(word) > LARGEST_URN]
        if wrong:
            raise forms.ValidationError(f"Not a URN (a URN is a number, such as 115850): {', '.join(wrong[:10])}.")
        return sorted({int(word) for word in words})

    def clean_lead(self) -> str:
        username = self.cleaned_data["lead"].strip()
        if username:
            self.lead_user = User.objects.filter(username__iexact=username).first()
            if self.lead_user is None:
                raise forms.ValidationError(f'No account has the user name "{username}".')
            if not self.lead_user.is_active:
                raise forms.ValidationError(f"{self.lead_user.username}'s account is deactivated.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        urns = cleaned.get("urns")
        if urns is None:
            return cleaned
        found = {school.urn: school for school in School.objects.filter(urn__in=urns)}
        unknown = [str(urn) for urn in urns if urn not in found]
        closed = [school for school in found.values() if not school.is_open]
        if unknown:
            self.add_error("urns", f"No school on the register has URN {', '.join(unknown[:10])}.")
        if closed:
            self.add_error("urns", f"Closed, so left out of localities: {', '.join(str(s) for s in closed[:10])}.")
        schools = {school.pk: school for school in found.values() if school.is_open}
        district = cleaned.get("district")
        if district is not None:
            schools.update(
                (school.pk, school)
                for school in School.objects.filter(district=district.name).exclude(status=School.Status.CLOSED)
            )
        if not schools and not self.errors:
            raise forms.ValidationError("Name at least one school, or start from a register district.")
        placeable = set(schools_placeable_by(self.user).filter(pk__in=schools).values_list("pk", flat=True))
        refused = sorted((school for pk, school in schools.items() if pk not in placeable), key=lambda s: s.name)
        if refused:
            names = ", ".join(str(school) for school in refused[:10])
            more = f" and {len(refused) - 10} more" if len(refused) > 10 else ""
            self.add_error(
                "urns",
                f"You may put in a locality only the schools of the localities you lead; not {names}{more}.",
            )
        if self.locality is not None:
            # Closed schools, and schools with no URN (outside England), stay where they were:
            # the form lists open schools by URN only.
            schools.update(
                (s.pk, s) for s in self.locality.schools.filter(Q(status=School.Status.CLOSED) | Q(urn__isnull=True))
            )
        self.schools = list(schools.values())
        return cleaned
