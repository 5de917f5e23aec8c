"""A few concerns for the demo, raised by its people, so the home pages, the school page, the
watch list and the trigger show what collective concerns look like. Made up (``is_generated``)."""

from __future__ import annotations

from django.utils import timezone

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.concerns.models import Concern
from evenbetter.indicators.computed import computed_refresh
from evenbetter.schools.models import Partnership, School


def demo_generate_concerns(cluster: Partnership) -> None:
    """About the demo head's own school, one concern waiting for an answer (from the partner
    agency); about a neighbour in the same cluster, two (the trigger's threshold), one answered.
    Then the concerns indicator is measured, so the early warning reads them."""
    if Concern.objects.filter(is_generated=True).exists():
        return
    own = Membership.objects.filter(user__username="school-leader", role=Role.SCHOOL_LEADER).first()
    agency = User.objects.filter(username="partner-agency").first()
    head = User.objects.filter(username="school-leader").first()
    if own is None or own.school is None or agency is None or head is None:
        return
    neighbour = (
        School.objects.filter(
            partnership_memberships__partnership=cluster, partnership_memberships__left_on__isnull=True
        )
        .exclude(pk=own.school.pk)
        .order_by("name")
        .first()
    )
    Concern.objects.create(
        school=own.school, area="team", raised_by=agency, raised_as="Partner agency (police schools team)",
        text="Two referrals this term waited weeks for the school's safeguarding lead to reply.", is_generated=True,
    )  # fmt: skip
    if neighbour is not None:
        Concern.objects.create(
            school=neighbour, area="isolation", raised_by=head, raised_as=f"School leader of {own.school.name}",
            text="They have missed the last three cluster meetings and stopped the joint moderation.",
            name_shown_to_school=True, is_generated=True,
        )  # fmt: skip
        Concern.objects.create(
            school=neighbour, area="staffing", raised_by=agency, raised_as="Partner agency (police schools team)",
            text="Their deputy and two class teachers left at half term; supply cover in Year 6.",
            answer="We have appointed a new deputy from January and share a Year 6 teacher with a cluster school.",
            answered_at=timezone.now(), status=Concern.Status.ANSWERED, is_generated=True,
        )  # fmt: skip
    computed_refresh("concerns")
