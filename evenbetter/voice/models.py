"""Pulse surveys a school runs, and the answers they receive.

An answer is kept with nothing that identifies who gave it (DESIGN.md principle 4): no
account, name, e-mail, address, user agent, cookie value, and no time of its own (the
survey's dates place it). Its choices and optional words are all it holds.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from evenbetter.vocabulary.voice import AUDIENCE_BY_CODE, AUDIENCES, ENGLISH, Audience


def new_token() -> str:
    # 128 random bits, URL-safe: the public link cannot be guessed from another survey's.
    return secrets.token_urlsafe(16)


class PulseSurvey(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="pulse_surveys")
    audience = models.CharField(max_length=20, choices=[(a.code, a.name) for a in AUDIENCES])
    language = models.CharField(max_length=10, default=ENGLISH)
    questions = models.JSONField(help_text="The library's question codes it asks, fixed when it opened")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closes_on = models.DateField(null=True, blank=True, help_text="The last day it takes answers, if set")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["school", "audience"], name="pulse_survey_school_audience")]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} pulse survey, {self.school_id}, opened {self.opened_at:%Y-%m-%d}"

    @property
    def audience_info(self) -> Audience:
        return AUDIENCE_BY_CODE[self.audience]

    def is_open(self, today: dt.date | None = None) -> bool:
        """Taking answers: not closed, and not past its last day."""
        if self.closed_at is not None:
            return False
        day = today or timezone.localdate()
        return self.closes_on is None or day <= self.closes_on


class PulseAnswer(models.Model):
    """One respondent's answers: their choices, and their words if they gave any."""

    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(help_text="Question code to choice code")
    comment = models.TextField(blank=True, help_text="Optional words, shown to the school's leaders only")

    def __str__(self) -> str:
        return f"Answer to survey {self.survey_id}"
