from django.contrib import admin

from evenbetter.indicators.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source_format", "file_name", "status", "rows_read", "rows_accepted", "run_by"]
    list_filter = ["source_format", "status"]
    readonly_fields = [field.name for field in ImportRun._meta.fields] + ["problems"]
