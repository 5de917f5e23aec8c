from django.contrib import admin

from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "la_name", "phase", "status", "district"]
    list_filter = ["la_name", "phase", "status"]
    search_fields = ["name", "urn", "town", "postcode"]


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "is_generated"]
    search_fields = ["name"]
    # Its schools are drawn on the web (/localities/new/), which keeps their history and one
    # agreed locality per school; the register keeps the districts' own.
    exclude = ["schools"]
    prepopulated_fields = {"slug": ["name"]}


class PartnershipMembershipInline(admin.TabularInline):
    model = PartnershipMembership
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "source", "is_generated"]
    list_filter = ["kind", "source", "is_generated"]
    search_fields = ["name"]
    inlines = [PartnershipMembershipInline]
    prepopulated_fields = {"slug": ["name"]}
