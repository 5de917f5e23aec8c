from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from evenbetter.partnerships.apps import action_records_changed
from evenbetter.partnerships.models import (
    Action,
    Agency,
    AgencyContact,
    AgencyLink,
    AgencyMember,
    BoardMeeting,
    Challenge,
    Contact,
    GovernanceReview,
    Meeting,
)


class AgencyContactInline(admin.TabularInline):
    model = AgencyContact
    extra = 1


class AgencyMemberInline(admin.TabularInline):
    """The users who act for the agency (with a partner-agency role, given as a membership)."""

    model = AgencyMember
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_generated"]
    list_filter = ["kind", "is_generated"]
    search_fields = ["name"]
    inlines = [AgencyContactInline, AgencyMemberInline]


@admin.register(AgencyLink)
class AgencyLinkAdmin(admin.ModelAdmin):
    list_display = ["agency", "contact", "school", "locality", "is_generated"]
    list_filter = ["agency"]
    raw_id_fields = ["school"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """A delete here sends no ``post_save``: the actions kept with each school's page (their
    generation, ``partnerships.apps``) are renewed after it, as every other writer of actions
    that sends none renews them (``tests/pages/test_glance_record_writers.py``)."""

    list_display = [
        "title", "owner_school", "partnership", "agency", "assignee", "assigned_to_agency", "due_on", "status",
        "is_generated",
    ]  # fmt: skip
    list_filter = ["status", "is_generated"]
    raw_id_fields = ["owner_school", "meeting", "assignee"]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        action_records_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        action_records_changed()


for model in (Meeting, Contact, BoardMeeting, Challenge, GovernanceReview):
    admin.site.register(model)
