from django.contrib import admin

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
    list_display = [
        "title", "owner_school", "partnership", "agency", "assignee", "assigned_to_agency", "due_on", "status",
        "is_generated",
    ]  # fmt: skip
    list_filter = ["status", "is_generated"]
    raw_id_fields = ["owner_school", "meeting", "assignee"]


for model in (Meeting, Contact, BoardMeeting, Challenge, GovernanceReview):
    admin.site.register(model)
