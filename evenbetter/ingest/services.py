"""Writes of the import pages: previewing and confirming imports from the web."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction

from evenbetter.accounts.models import User
from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_file


class ImportNotConfirmable(Exception):
    pass


def _kept_uploads() -> Storage:
    # STORAGES["uploads"]: a folder by default, shared storage when there are several web
    # servers, so that a preview made on one server can be confirmed on another.
    return storages["uploads"]


def _upload_name(sha256: str) -> str:
    return f"{sha256}.upload"


def upload_store(content: bytes) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    name = _upload_name(sha256)
    kept = _kept_uploads()
    if kept.exists(name):
        if kept.size(name) == len(content):
            return sha256
        kept.delete(name)  # a copy cut short (the server stopped while writing it): write it again
    saved = kept.save(name, ContentFile(content))
    if saved != name:  # another request stored the same file at the same moment: one copy is enough
        kept.delete(saved)
    return sha256


def upload_load(sha256: str) -> bytes:
    name = _upload_name(sha256)
    kept = _kept_uploads()
    if not kept.exists(name):
        raise ImportNotConfirmable("The uploaded file is no longer kept: upload it again.")
    with kept.open(name, "rb") as file:
        content = file.read()
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
        import_records_changed()
    return run
