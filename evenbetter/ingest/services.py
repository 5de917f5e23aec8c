"""Writes of the import pages: previewing and confirming imports from the web."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_file


class ImportNotConfirmable(Exception):
    pass


def _upload_path(sha256: str) -> Path:
    return Path(settings.EVENBETTER_UPLOAD_DIR) / f"{sha256}.upload"


def upload_store(content: bytes) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    path = _upload_path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(content)
        partial.replace(path)  # atomic: a half-written upload never looks complete
    return sha256


def upload_load(sha256: str) -> bytes:
    path = _upload_path(sha256)
    if not path.exists():
        raise ImportNotConfirmable("The uploaded file is no longer kept: upload it again.")
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ImportNotConfirmable("The kept copy of the file has changed since the preview: upload it again.")
    return content


def import_preview(
    *, user: User, content: bytes, file_name: str, source_format: str, options: dict[str, Any]
) -> ImportRun:
    """Check a file and count what it would change, writing nothing but the preview itself."""
    upload_store(content)
    if isinstance(options.get("mapping"), bytes):
        upload_store(options["mapping"])
    return import_file(
        content=content, file_name=file_name, source_format=source_format, run_by=user, dry_run=True, **options
    )


def import_confirm(*, user: User, preview: ImportRun) -> ImportRun:
    """Carry out an import exactly as previewed (same file, same options)."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=preview.pk)
        if locked.status != ImportRun.Status.DRY_RUN:
            raise ImportNotConfirmable("Only a preview that found no errors can be confirmed.")
        if locked.confirmed_by_run_id is not None:
            raise ImportNotConfirmable("This preview has already been imported.")
    content = upload_load(preview.sha256)
    options = dict(preview.options)
    mapping = options.get("mapping")
    if isinstance(mapping, dict) and "sha256" in mapping:
        options["mapping"] = upload_load(mapping["sha256"])
    run = import_file(
        content=content, file_name=preview.file_name, source_format=preview.source_format, run_by=user, **options
    )
    if run.status == ImportRun.Status.SUCCEEDED:
        ImportRun.objects.filter(pk=preview.pk, confirmed_by_run__isnull=True).update(confirmed_by_run=run)
    return run
