from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from evenbetter.accounts.models import AuditEvent, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school", "partnership", "locality"]


@admin.register(User)
class EvenBetterUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_generated", "is_active"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Even Better", {"fields": ("organisation", "is_generated")}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "partnership", "locality"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "school", "partnership", "locality"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "school", "path"]
    list_filter = ["action"]
    readonly_fields = ["at", "user", "action", "school", "detail", "path"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
