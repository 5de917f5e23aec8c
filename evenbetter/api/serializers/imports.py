"""The API's serializers of imports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.registry import all_formats


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])


class ImportRunSerializer(serializers.ModelSerializer):
    run_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    problems = ProblemSerializer(many=True, read_only=True)
    examples = serializers.ListField(child=serializers.CharField(), read_only=True)
    options = serializers.DictField(read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source_format",
            "file_name",
            "file_size",
            "sha256",
            "status",
            "dry_run",
            "run_by",
            "started_at",
            "finished_at",
            "rows_read",
            "rows_accepted",
            "rows_rejected",
            "records_created",
            "records_updated",
            "records_unchanged",
            "problems",
            "examples",
            "options",
        ]
        read_only_fields = fields


def _checked_size(upload: Any) -> Any:
    limit = settings.EVENBETTER_MAX_UPLOAD_MB * 1024 * 1024
    if upload is not None and upload.size > limit:
        raise serializers.ValidationError(
            f"The file is {upload.size / 1024 / 1024:.0f} MB; the most the API takes is "
            f"{settings.EVENBETTER_MAX_UPLOAD_MB} MB. Use the command line for larger files."
        )
    return upload


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file: CSV, or Excel .xlsx where the format reads it")
    format = serializers.ChoiceField(choices=[], help_text="The source format (manage.py import_data --help)")
    period = serializers.CharField(
        required=False, max_length=20, help_text="For files that do not say their year, e.g. 2018/19"
    )
    scheme = serializers.SlugField(
        required=False, max_length=50, help_text="Generic files: the scheme of school_id (blank means URN)"
    )
    mapping = serializers.FileField(required=False, help_text="Wide files: a CSV of column,indicator")
    add_missing_schools = serializers.BooleanField(
        required=False, default=False, help_text="School census and school spine: add schools not on the register"
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count what would change; write nothing"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        if isinstance(field, serializers.ChoiceField):
            field.choices = [(f.code, f.name) for f in all_formats()]

    def validate_file(self, upload: Any) -> Any:
        return _checked_size(upload)

    def validate_mapping(self, upload: Any) -> Any:
        return _checked_size(upload)

    def format_options(self) -> dict[str, Any]:
        data = self.validated_data
        options: dict[str, Any] = {}
        for name in ("period", "scheme"):
            if data.get(name):
                options[name] = data[name]
        if data.get("add_missing_schools"):
            options["add_missing_schools"] = True
        if data.get("mapping") is not None:
            options["mapping"] = data["mapping"].read()
        return options
