"""The forms of pulse surveys: opening one (for a school, or for many at once), and answering one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from evenbetter.pages.widgets import DateInput
from evenbetter.schools.models import School
from evenbetter.vocabulary.voice import AUDIENCES, QUESTION_BY_CODE
from evenbetter.voice.models import PulseSurvey
from evenbetter.voice.services import COMMENT_MAX

# Up to this many schools are offered as boxes to tick; a lead who runs more names them by URN.
CHECKBOXES_UP_TO = 30
LONGEST_DAYS = 120


class OpenSurveyForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who answers",
        choices=[(a.code, a.name) for a in AUDIENCES],
        widget=forms.RadioSelect,
        help_text="The questions are worded for them; primary pupils answer four plain choices.",
    )
    closes_on = forms.DateField(
        label="Last day for answers (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave it empty to close the survey yourself.",
    )

    def __init__(self, *args: Any, schools: QuerySet[School], chosen: School | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.schools = schools
        self.by_urn = schools.count() > CHECKBOXES_UP_TO
        if self.by_urn:
            self.fields["urns"] = forms.CharField(
                label="Schools, by URN",
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="One or more URNs, separated by commas, spaces or new lines: each school gets its own link.",
                initial=str(chosen.urn) if chosen else "",
            )
        else:
            self.fields["schools"] = forms.ModelMultipleChoiceField(
                label="Schools",
                queryset=schools.order_by("name"),
                widget=forms.CheckboxSelectMultiple,
                initial=[chosen.pk] if chosen else [s.pk for s in schools] if schools.count() == 1 else [],
                error_messages={"required": "Tick at least one school."},
            )

    def clean_closes_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("closes_on")
        today = timezone.localdate()
        if day is not None and day < today:
            raise forms.ValidationError("The last day for answers is in the past: choose today or later.")
        if day is not None and day > today + dt.timedelta(days=LONGEST_DAYS):
            raise forms.ValidationError(f"A pulse survey runs for at most {LONGEST_DAYS} days: choose an earlier day.")
        return day

    def clean_urns(self) -> list[School]:
        words = [w for w in re.split(r"[\s,;]+", self.cleaned_data.get("urns", "")) if w]
        if not words:
            raise forms.ValidationError("Give the URN of at least one school.")
        wrong = [w for w in words if not (w.isascii() and w.isdigit() and len(w) <= 8)]
        if wrong:
            raise forms.ValidationError(f"Not a URN: {', '.join(wrong[:5])}. A URN is a number of six or seven digits.")
        urns = list(dict.fromkeys(int(w) for w in words))
        found = {school.urn: school for school in self.schools.filter(urn__in=urns)}
        unknown = [str(urn) for urn in urns if urn not in found]
        if unknown:
            raise forms.ValidationError(
                f"No school you run surveys for has the URN {', '.join(unknown[:5])}: nothing was opened."
            )
        return [found[urn] for urn in urns]

    def chosen_schools(self) -> list[School]:
        return list(self.cleaned_data["urns" if self.by_urn else "schools"])


class AnswerForm(forms.Form):
    """One radio group per question, worded for the survey's audience, then optional words."""

    def __init__(self, *args: Any, survey: PulseSurvey, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(choice.code, choice.label) for choice in survey.audience_info.scale]
        for number, code in enumerate(survey.questions, start=1):
            self.fields[code] = forms.ChoiceField(
                label=f"{number}. {QUESTION_BY_CODE[code].wording(survey.audience, survey.language)}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose an answer to this question."},
            )
        self.fields["comment"] = forms.CharField(
            label="Anything else you would like to tell the school? (optional)",
            required=False,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Only the school's leaders read this. Please do not write your name or anyone else's.",
        )
        self.question_codes = list(survey.questions)

    def questions(self) -> list[forms.BoundField]:
        return [self[code] for code in self.question_codes]

    def answers(self) -> dict[str, str]:
        return {code: self.cleaned_data[code] for code in self.question_codes}
