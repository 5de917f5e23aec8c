"""Writes of the data hub: disputed values raised and resolved."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import Dispute, Observation, SchoolDataGlance
from evenbetter.schools.models import School


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
        data_glance_dropped([dispute.observation.school_id])
    elif outcome != Dispute.Status.UPHELD:
        raise DisputeRefused("Choose whether the value is corrected or upheld.")
    dispute.status = outcome
    dispute.resolved_by = user
    dispute.resolved_at = timezone.now()
    dispute.resolution_note = note.strip()
    dispute.save()
    return dispute


DATA_GLANCE_BATCH = 2000


def data_glance_keep() -> int:
    """Every school's glance of the data (how far its published values, local records and
    generated values go; its latest confidence in the evidence base), worked out for every
    school at once from the values held and kept (``SchoolDataGlance``), replacing the rows
    kept: a row for every school, blank where it holds nothing. Two queries over the values,
    grouped by the database, whatever the number of schools. A step of the refresh after
    imports (``jobs.steps``, after the computed indicators). Returns the number of schools.

    "Up to" is the latest period of a kind's values: the same as the latest of each
    indicator's last period, periods of one indicator sorting as they start (years
    "2018/19", days "2019-01-17")."""
    # (A run's options without "generated" compare as NULL: the Case, not exclude(), says False.)
    generated = Case(When(import_run__options__generated=True, then=Value(True)), default=Value(False))
    kinds = {(False, False): "local", (False, True): "published", (True, False): "generated",
             (True, True): "generated_published"}  # fmt: skip
    up_to: dict[tuple[int, str], str] = {}
    for school_id, is_public, made_up, period in (
        Observation.objects.order_by()
        .annotate(made_up=generated)
        .values_list("school_id", "indicator__is_public", "made_up")
        .annotate(up_to=Max("period"))
    ):
        up_to[(school_id, kinds[(bool(made_up), bool(is_public))])] = period
    # Every generated value counts for a reader of local records; published ones for everyone.
    for (school_id, kind), period in list(up_to.items()):
        if kind == "generated_published":
            up_to[(school_id, "generated")] = max(period, up_to.get((school_id, "generated"), ""))
    confidence = dict(
        Observation.objects.filter(indicator__code="data_confidence", value__isnull=False)
        .order_by("school_id", "period_start")
        .values_list("school_id", "pk")
    )  # the last of each school's, in order of its periods
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        SchoolDataGlance.objects.all().delete()
        SchoolDataGlance.objects.bulk_create(
            [
                SchoolDataGlance(
                    school_id=pk,
                    published_up_to=up_to.get((pk, "published"), ""),
                    local_up_to=up_to.get((pk, "local"), ""),
                    generated_published_up_to=up_to.get((pk, "generated_published"), ""),
                    generated_up_to=up_to.get((pk, "generated"), ""),
                    confidence_id=confidence.get(pk),
                )
                for pk in school_ids
            ],
            batch_size=DATA_GLANCE_BATCH,
        )
        figures_changed()  # the school page's glance of the data, kept drawn, is drawn from these rows
    return len(school_ids)


def data_glance_dropped(school_ids: Iterable[int] | None = None) -> None:
    """Values of these schools (``None``: of any school) were written: their kept glance of the
    data no longer holds; they are worked out when their page is opened until the refresh that
    follows every write keeps them again."""
    kept = SchoolDataGlance.objects.all()
    ids = None if school_ids is None else set(school_ids)
    if ids is not None and len(ids) <= DATA_GLANCE_BATCH:  # more: every row (a national import)
        kept = kept.filter(school_id__in=sorted(ids))
    kept.delete()
