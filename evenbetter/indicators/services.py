"""Writes of the data hub: disputed values raised and resolved."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import Dispute, Observation


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
        figures_changed()  # a value changed outside the store's writer
    elif outcome != Dispute.Status.UPHELD:
        raise DisputeRefused("Choose whether the value is corrected or upheld.")
    dispute.status = outcome
    dispute.resolved_by = user
    dispute.resolved_at = timezone.now()
    dispute.resolution_note = note.strip()
    dispute.save()
    return dispute
