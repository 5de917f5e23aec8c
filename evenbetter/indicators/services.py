"""Writes of the data hub: previewing and confirming imports from the web."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.models import Dispute, ImportRun, Observation
from evenbetter.ingest.observations import IndicatorDefinition, StagedObservation, catalogue_sync, observations_write
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


class DisputeRefused(Exception):
    pass


def dispute_raise(*, user: User, observation: Observation, reason: str, suggested_value: float | None) -> Dispute:
    if not reason.strip():
        raise DisputeRefused("Say what is wrong with the value.")
    if Dispute.objects.filter(observation=observation, status=Dispute.Status.OPEN).exists():
        raise DisputeRefused("This value is already disputed: the system lead will resolve it.")
    return Dispute.objects.create(
        observation=observation,
        raised_by=user,
        reason=reason.strip(),
        suggested_value=suggested_value,
        value_before=observation.value,
        status_before=observation.status,
    )


@transaction.atomic
def dispute_resolve(
    *, user: User, dispute: Dispute, outcome: str, note: str, corrected_value: float | None = None
) -> Dispute:
    """Close a dispute: correct the value (recorded with the dispute) or uphold it."""
    dispute = Dispute.objects.select_for_update().select_related("observation__indicator").get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise DisputeRefused("This dispute has already been resolved.")
    if not note.strip():
        raise DisputeRefused("Write a note for the school saying why.")
    if outcome == Dispute.Status.CORRECTED:
        if corrected_value is None:
            raise DisputeRefused("Give the corrected value.")
        indicator = dispute.observation.indicator
        if (indicator.minimum is not None and corrected_value < indicator.minimum) or (
            indicator.maximum is not None and corrected_value > indicator.maximum
        ):
            raise DisputeRefused(f"{corrected_value:g} is outside the range of {indicator.name}.")
        Observation.objects.filter(pk=dispute.observation_id).update(
            value=corrected_value, status=Observation.Status.VALUE
        )
    elif outcome != Dispute.Status.UPHELD:
        raise DisputeRefused("Choose whether the value is corrected or upheld.")
    dispute.status = outcome
    dispute.resolved_by = user
    dispute.resolved_at = timezone.now()
    dispute.resolution_note = note.strip()
    dispute.save()
    return dispute


def computed_observations_record(
    *,
    source_format: str,
    file_name: str,
    staged: list[StagedObservation],
    definitions: list[IndicatorDefinition],
    rows_read: int,
    options: dict[str, Any],
    run_by: User | None = None,
    rows_accepted: int | None = None,
) -> ImportRun:
    """Write values the platform computed or a form collected, with an ImportRun for provenance
    like any file: what wrote them, when, from how much (``rows_read``, and ``rows_accepted``
    when not all of it), and what changed."""
    digest = hashlib.sha256(f"{source_format}:{len(staged)}:{options}:{timezone.now().isoformat()}".encode())
    run = ImportRun.objects.create(
        source_format=source_format,
        file_name=file_name,
        sha256=digest.hexdigest(),
        run_by=run_by,
        status=ImportRun.Status.RUNNING,
        rows_read=rows_read,
        options=options,
    )
    counts = observations_write(staged, catalogue_sync(definitions), run)
    run.status = ImportRun.Status.SUCCEEDED
    run.rows_accepted = rows_read if rows_accepted is None else rows_accepted
    run.records_created, run.records_updated, run.records_unchanged = counts.created, counts.updated, counts.unchanged
    run.examples = counts.examples
    run.finished_at = timezone.now()
    run.save()
    return run
