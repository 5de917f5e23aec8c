"""A concern about a school, raised in a few words by someone who works with it.

Concerns are not public: the school's leaders see every concern about their school and
answer it; the leads who see the school in full see it too; who raised it is shown to system
and locality leads, and to the school only when the raiser agreed. The rules are in
``selectors.py``; every change is audited by ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenbetter.vocabulary.concerns import CONCERN_AREAS


class Concern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the school's answer"
        ANSWERED = "answered", "Answered by the school"
        WITHDRAWN = "withdrawn", "Withdrawn by whoever raised it"
        CLOSED = "closed", "Closed by a lead"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="concerns")
    area = models.CharField(max_length=20, choices=[(a.code, a.name) for a in CONCERN_AREAS])
    text = models.TextField(max_length=600, help_text="In a few words: what you have seen, and since when")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # In what capacity, as the raiser chose it when raising (e.g. "School leader of Alton Infant School").
    raised_as = models.CharField(max_length=250, blank=True)
    name_shown_to_school = models.BooleanField(
        default=False, help_text="The raiser agreed that the school may see who raised it"
    )
    raised_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["school", "raised_at"], name="concern_school_raised")]

    def __str__(self) -> str:
        return f"{self.get_area_display()} about {self.school_id} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        """Counted by the trigger and waiting on someone: neither withdrawn nor closed."""
        return self.status in (self.Status.OPEN, self.Status.ANSWERED)
