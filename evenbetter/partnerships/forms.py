"""Forms a busy headteacher fills in under a minute: few fields, clear messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from evenbetter.accounts.selectors import AnyUser
from evenbetter.ingest.values import LARGEST_INTEGER
from evenbetter.pages.widgets import DateInput
from evenbetter.partnerships.models import Action, Agency, AgencyContact, Contact, GovernanceReview
from evenbetter.partnerships.services import ActionAgreed, ChallengeAsked
from evenbetter.schools.access import schools_visible_to
from evenbetter.schools.models import Locality, School
from evenbetter.vocabulary.agencies import AGENCY_KINDS
from evenbetter.vocabulary.areas import AREAS
from evenbetter.vocabulary.periods import academic_year, academic_year_of, parse_period

DATE = DateInput()
ACTION_ROWS = 3
CHALLENGE_ROWS = 3
OLDEST_DAYS = 5 * 366


def _not_in_future(day: dt.date | None, what: str) -> None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"The {what} is in the future: record it once it has happened.")
    if day and day < timezone.localdate() - dt.timedelta(days=OLDEST_DAYS):
        raise forms.ValidationError(f"The {what} is more than five years ago.")


class SchoolsField(forms.ModelMultipleChoiceField):
    """Schools by id. A value that is no id at all (a number too large for the database, say)
    is "not one of the choices", as any other wrong value is, rather than a server error."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit()) or int(text) > LARGEST_INTEGER:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DATE)
    title = forms.CharField(max_length=200, help_text='e.g. "Autumn heads\' meeting"')
    schools_present = SchoolsField(
        label="Schools present", queryset=School.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, members: list[School], **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = [school.pk for school in members]
        field = self.fields["schools_present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = School.objects.filter(pk__in=ids).order_by("name")
        owners = [("", "— who will do it —")] + [(str(s.pk), s.name) for s in sorted(members, key=lambda s: s.name)]
        self.members = {school.pk: school for school in members}
        for i in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{i}_title"] = forms.CharField(label=f"Action {i}", max_length=250, required=False)
            self.fields[f"action_{i}_owner"] = forms.ChoiceField(label="Owner school", choices=owners, required=False)
            self.fields[f"action_{i}_due"] = forms.DateField(label="Due", widget=DATE, required=False)

    def clean_held_on(self) -> dt.date:
        held_on: dt.date = self.cleaned_data["held_on"]
        _not_in_future(held_on, "meeting date")
        return held_on

    def action_rows(self) -> list[tuple[str, str, str]]:
        return [(f"action_{i}_title", f"action_{i}_owner", f"action_{i}_due") for i in range(1, ACTION_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        held_on = cleaned.get("held_on")
        self.actions: list[ActionAgreed] = []
        for title_field, owner_field, due_field in self.action_rows():
            title, owner, due = cleaned.get(title_field), cleaned.get(owner_field), cleaned.get(due_field)
            if not title and not owner and not due:
                continue
            if not title:
                self.add_error(title_field, "Say what the action is, or clear its owner and date.")
                continue
            if not owner:
                self.add_error(owner_field, "Choose the school that will do it.")
                continue
            if not due:
                self.add_error(due_field, "Give a date it is due by.")
                continue
            if held_on and due < held_on:
                self.add_error(due_field, "An action cannot be due before the meeting that agreed it.")
                continue
            self.actions.append(ActionAgreed(title, self.members[int(owner)], due))
        return cleaned


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    done_on = forms.DateField(label="Done on", widget=DATE, required=False)
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="What shows it was done"
    )

    given_to = forms.ChoiceField(
        label="Given to",
        required=False,
        help_text="Who does it: the owner school's leaders, or a person or agency it is given to (they can update it).",
    )

    def __init__(self, *args: Any, action: Action, people: Any = None, **kwargs: Any):
        """``people``: who the action may be given to, for those who answer for it; without
        it the form has no "Given to" (an assignee updates progress only)."""
        super().__init__(*args, **kwargs)
        self.action = action
        given_to = self.fields["given_to"]
        assert isinstance(given_to, forms.ChoiceField)
        if people is None:
            del self.fields["given_to"]
            return
        choices = [("", f"Nobody in particular: {action.owner_school.name}'s leaders")]
        if action.agency_id is not None and action.agency is not None:
            choices.append(("agency", f"{action.agency.name} (the agency it is shared with)"))
        choices += [(f"user:{person.pk}", person.get_full_name() or person.username) for person in people]
        given_to.choices = choices
        self.people = {person.pk: person for person in people}

    @staticmethod
    def given_to_of(action: Action) -> str:
        """The form's value for whom the action is given to now."""
        if action.assigned_to_agency:
            return "agency"
        return f"user:{action.assignee_id}" if action.assignee_id is not None else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Who it is given to changes only when the form says (a status posted alone keeps it).
        cleaned["give"] = "given_to" in self.fields and self.add_prefix("given_to") in self.data
        if cleaned["give"]:
            value = str(cleaned.get("given_to") or "")
            cleaned["assignee"] = None
            cleaned["to_agency"] = value == "agency"
            if value.startswith("user:"):
                cleaned["assignee"] = self.people.get(int(value.removeprefix("user:")))
        done_on = cleaned.get("done_on")
        if cleaned.get("status") == Action.Status.DONE:
            if not (cleaned.get("evidence") or "").strip():
                self.add_error("evidence", "Say what shows it was done: a done action needs its evidence.")
            if done_on and done_on < self.action.agreed_on:
                self.add_error("done_on", "It cannot have been done before it was agreed.")
            if done_on and done_on > timezone.localdate():
                self.add_error("done_on", "That date is in the future.")
        return cleaned


def action_done_form(action: Action, data: Any = None, *, today: dt.date) -> ActionUpdateForm:
    """The home page's "mark it done" form for one action: the same form and rules as the
    action's own page, its status fixed at done (hidden), with ids of its own (several on a page)."""
    form = ActionUpdateForm(
        data, action=action, auto_id=f"action-{action.pk}-%s", initial={"status": Action.Status.DONE, "done_on": today}
    )
    form.fields["status"].widget = forms.HiddenInput()
    return form


class ContactForm(forms.Form):
    other_urn = forms.IntegerField(label="The other school's URN", min_value=1)
    kind = forms.ChoiceField(label="What kind of contact", choices=Contact.Kind.choices)
    happened_on = forms.DateField(label="When", widget=DATE)
    about = forms.CharField(label="About", max_length=250, required=False, help_text='e.g. "Phonics: watched Year 1"')

    def __init__(self, *args: Any, user: AnyUser, school: School, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.school = school
        self.other_school: School | None = None

    def clean_other_urn(self) -> int:
        urn: int = self.cleaned_data["other_urn"]
        other = schools_visible_to(self.user).filter(urn=urn).first()
        if other is None:
            raise forms.ValidationError(f"No school you can see has the URN {urn}.")
        if other.pk == self.school.pk:
            raise forms.ValidationError("That is this school: choose the school it was in contact with.")
        self.other_school = other
        return urn

    def clean_happened_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["happened_on"]
        _not_in_future(day, "date")
        return day


class BoardMeetingForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DATE)
    governors_places = forms.IntegerField(label="Seats on the board", min_value=1, max_value=30)
    vacancies = forms.IntegerField(label="Empty seats", min_value=0, max_value=30, initial=0)
    governors_present = forms.IntegerField(label="Governors present", min_value=0, max_value=30)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for i in range(1, CHALLENGE_ROWS + 1):
            self.fields[f"challenge_{i}_area"] = forms.ChoiceField(
                label=f"Challenge {i}: area", choices=[("", "—"), *AREAS], required=False
            )
            self.fields[f"challenge_{i}_question"] = forms.CharField(
                label="Question asked of leaders", max_length=500, required=False
            )

    def challenge_rows(self) -> list[tuple[str, str]]:
        return [(f"challenge_{i}_area", f"challenge_{i}_question") for i in range(1, CHALLENGE_ROWS + 1)]

    def clean_held_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["held_on"]
        _not_in_future(day, "meeting date")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        places, vacancies, present = (cleaned.get(k) for k in ("governors_places", "vacancies", "governors_present"))
        if places is not None and vacancies is not None and vacancies > places:
            self.add_error("vacancies", f"There cannot be more empty seats than the {places} on the board.")
        elif places is not None and vacancies is not None and present is not None and present > places - vacancies:
            self.add_error(
                "governors_present", f"At most {places - vacancies} governors can be present: the filled seats."
            )
        self.challenges: list[ChallengeAsked] = []
        for area_field, question_field in self.challenge_rows():
            area, question = cleaned.get(area_field), (cleaned.get(question_field) or "").strip()
            if area and not question:
                self.add_error(question_field, "Write the question that was asked.")
            elif question and not area:
                self.add_error(area_field, "Choose the area the question was about.")
            elif area and question:
                self.challenges.append(ChallengeAsked(area, question))
        return cleaned


def recent_academic_years(count: int = 3) -> list[str]:
    _, this = parse_period(academic_year_of(timezone.localdate()))
    return [academic_year(year) for year in range(this.year, this.year - count, -1)]


class WorkforceReturnForm(forms.Form):
    period = forms.ChoiceField(label="Academic year")
    head_vacant = forms.BooleanField(label="Headteacher post vacant or interim", required=False)
    deputy_vacant = forms.BooleanField(label="A deputy head post vacant", required=False)
    senco_vacant = forms.BooleanField(label="SENCO post vacant", required=False)
    teacher_vacancies = forms.IntegerField(
        label="Teaching posts vacant or filled temporarily", min_value=0, max_value=200
    )
    support_vacancies = forms.IntegerField(label="Support staff posts vacant", min_value=0, max_value=200)
    sickness_days_per_fte = forms.DecimalField(
        label="Sickness days per full-time member of staff", min_value=0, max_value=100, decimal_places=1
    )
    headcount_start = forms.IntegerField(label="Staff at the start of the year", min_value=1, max_value=2000)
    headcount_end = forms.IntegerField(label="Staff at the end of the year", min_value=1, max_value=2000)
    leavers = forms.IntegerField(label="Staff who left during the year", min_value=0, max_value=2000)
    leadership_changes = forms.IntegerField(label="Changes of headteacher or deputy", min_value=0, max_value=20)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(year, year) for year in recent_academic_years()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end, leavers = (cleaned.get(k) for k in ("headcount_start", "headcount_end", "leavers"))
        if start and end and leavers is not None and leavers > max(start, end) + abs(start - end):
            self.add_error("leavers", "More staff left than the school had: check the headcounts and leavers.")
        return cleaned

    def indicator_values(self) -> dict[str, float]:
        from evenbetter.analytics.partnership_health import staff_turnover

        data = self.cleaned_data
        return {
            "head_vacant": float(bool(data["head_vacant"])),
            "deputy_vacant": float(bool(data["deputy_vacant"])),
            "senco_vacant": float(bool(data["senco_vacant"])),
            "teacher_vacancies": float(data["teacher_vacancies"]),
            "support_vacancies": float(data["support_vacancies"]),
            "sickness_days_per_fte": float(data["sickness_days_per_fte"]),
            "staff_turnover": round(
                staff_turnover(float(data["leavers"]), (data["headcount_start"] + data["headcount_end"]) / 2), 1
            ),
            "leadership_changes": float(data["leadership_changes"]),
        }


class GovernanceReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Date of the review", widget=DATE)
    kind = forms.ChoiceField(label="Kind of review", choices=GovernanceReview.Kind.choices)
    summary = forms.CharField(
        label="What it found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="The main findings and what the board will do about them.",
    )

    def clean_reviewed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["reviewed_on"]
        _not_in_future(day, "review date")
        return day

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise forms.ValidationError("Say what the review found.")
        return summary


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, help_text='e.g. "Hampshire early help hub"')
    kind = forms.ChoiceField(label="Kind of agency", choices=AGENCY_KINDS)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the agency's name.")
        return name


class AgencyContactForm(forms.Form):
    name = forms.CharField(max_length=150, help_text="A person the agency has agreed to name")
    team = forms.CharField(max_length=150, required=False, help_text='e.g. "Early help south"')
    role = forms.CharField(max_length=150, required=False, help_text='e.g. "Family support worker"')
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(ch.isdigit() or ch in " +()-" for ch in phone):
            raise forms.ValidationError("A telephone number has digits, spaces and + ( ) - only.")
        return phone


def _contact_field(agency: Agency | None) -> forms.ModelChoiceField[AgencyContact]:
    contacts = AgencyContact.objects.filter(agency=agency) if agency else AgencyContact.objects.select_related("agency")
    return forms.ModelChoiceField(
        label="Contact", queryset=contacts.order_by("name"), required=False, empty_label="— no named contact —"
    )


class AgencyLinkForm(forms.Form):
    """Where an agency works: one of the localities the user may link to, or a school by URN."""

    locality: forms.ModelChoiceField[Locality] = forms.ModelChoiceField(
        queryset=Locality.objects.none(), required=False, empty_label="— a school instead —", to_field_name="slug"
    )
    school_urn = forms.IntegerField(label="or a school's URN", min_value=1, required=False)
    note = forms.CharField(max_length=200, required=False, help_text='e.g. "Attendance support, Tuesdays"')

    def __init__(
        self,
        *args: Any,
        agency: Agency,
        localities: Any,
        may_link_school: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        locality = self.fields["locality"]
        assert isinstance(locality, forms.ModelChoiceField)
        locality.queryset = localities
        self.fields["contact"] = _contact_field(agency)
        self.order_fields(["locality", "school_urn", "contact", "note"])
        self.may_link_school = may_link_school
        self.school: School | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        locality, urn = cleaned.get("locality"), cleaned.get("school_urn")
        if locality and urn:
            raise forms.ValidationError("Choose a locality or give a school's URN, not both.")
        if not locality and not urn and not self.errors:
            raise forms.ValidationError("Choose a locality, or give the URN of a school it works with.")
        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                self.add_error("school_urn", f"No school on the register has the URN {urn}.")
            elif not self.may_link_school(school):
                self.add_error(
                    "school_urn",
                    f"{school} is not in a locality you lead: its own leaders or its locality's lead add it.",
                )
            else:
                self.school = school
        return cleaned


class TeamAroundForm(forms.Form):
    """An agency that works with one school, on the school's own page of its team."""

    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(queryset=Agency.objects.none())
    note = forms.CharField(max_length=200, required=False, help_text='e.g. "School nurse, every other Monday"')

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies
        self.fields["contact"] = _contact_field(None)
        self.order_fields(["agency", "contact", "note"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, contact = cleaned.get("agency"), cleaned.get("contact")
        if agency and contact and contact.agency_id != agency.pk:
            self.add_error("contact", f"{contact.name} works for {contact.agency.name}, not {agency.name}.")
        return cleaned
