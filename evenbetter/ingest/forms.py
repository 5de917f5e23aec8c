from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from evenbetter.ingest.registry import all_formats


class ImportUploadForm(forms.Form):
    source_format = forms.ChoiceField(label="Format of the file")
    data_file = forms.FileField(label="File (CSV or Excel .xlsx)")
    period = forms.CharField(
        required=False,
        max_length=20,
        help_text="For files that do not say which year they cover, e.g. 2018/19.",
    )
    scheme = forms.SlugField(
        required=False,
        max_length=50,
        help_text="For generic files whose school_id is your own identifier: the scheme's name. Blank means URN.",
    )
    mapping_file = forms.FileField(required=False, help_text="For wide files: a CSV of column,indicator.")
    add_missing_schools = forms.BooleanField(
        required=False, help_text="School census and school spine: add schools that are not on the register yet."
    )
    skip_unknown_schools = forms.BooleanField(
        required=False,
        help_text="Generic long and wide files from a national source: skip (and list) schools not on the register "
        "instead of refusing the file.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source_format"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f.name) for f in all_formats()]

    def _checked_size(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        limit = settings.EVENBETTER_MAX_UPLOAD_MB * 1024 * 1024
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.0f} MB; the most this page takes is "
                f"{settings.EVENBETTER_MAX_UPLOAD_MB} MB. Use the command line for larger files."
            )
        return upload

    def clean_data_file(self) -> Any:
        return self._checked_size("data_file")

    def clean_mapping_file(self) -> Any:
        return self._checked_size("mapping_file")

    def format_options(self, mapping: bytes | None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.cleaned_data.get("period"):
            options["period"] = self.cleaned_data["period"]
        if self.cleaned_data.get("scheme"):
            options["scheme"] = self.cleaned_data["scheme"]
        if self.cleaned_data.get("add_missing_schools"):
            options["add_missing_schools"] = True
        if self.cleaned_data.get("skip_unknown_schools"):
            options["skip_unknown_schools"] = True
        if mapping:
            options["mapping"] = mapping
        return options
