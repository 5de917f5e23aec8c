"""Every write to the register's localities and partnerships."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School


def _unique_slug(model: type[Locality] | type[Partnership], base: str) -> str:
    slug = slugify(base)[:150] or "unnamed"
    candidate, number = slug, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


@transaction.atomic
def register_sync_localities() -> int:
    """Keep one locality per register district, holding that district's schools.

    Localities that partners agreed (source "agreed") are left alone. Returns how many
    localities were created.
    """
    created = 0
    districts = School.objects.exclude(district="").order_by("district").values_list("district", flat=True).distinct()
    for district in districts:
        locality = Locality.objects.filter(name=district).first()
        if locality is None:
            locality = Locality.objects.create(
                name=district,
                slug=_unique_slug(Locality, district),
                source=Locality.Source.REGISTER_DISTRICT,
                description=f"Schools in the {district} district, from the register.",
            )
            created += 1
        if locality.source == Locality.Source.REGISTER_DISTRICT:
            locality.schools.set(School.objects.filter(district=district))
    return created


@transaction.atomic
def register_sync_partnerships(*, today: dt.date) -> None:
    """Make the register's trusts and federations partnerships, keeping history.

    A school whose trust or federation changes leaves the old one (``left_on`` set) and
    joins the new one; a closed school leaves on its close date. Run twice on the same
    register, it changes nothing.
    """
    for kind, field in ((Partnership.Kind.TRUST, "trust_name"), (Partnership.Kind.FEDERATION, "federation_name")):
        wanted: dict[int, str] = {}
        closed_on: dict[int, dt.date | None] = {}
        for school_id, name, status, close_date in School.objects.values_list("pk", field, "status", "close_date"):
            if name:
                wanted[school_id] = name
            if status == School.Status.CLOSED:
                closed_on[school_id] = close_date
        partnerships = {p.name: p for p in Partnership.objects.filter(kind=kind, source=Partnership.Source.REGISTER)}
        for name in sorted(set(wanted.values()) - set(partnerships)):
            partnerships[name] = Partnership.objects.create(
                name=name,
                kind=kind,
                source=Partnership.Source.REGISTER,
                slug=_unique_slug(Partnership, f"{kind}-{name}"),
            )
        by_id = {p.pk: p for p in partnerships.values()}
        current = {
            (m.school_id, m.partnership_id): m
            for m in PartnershipMembership.objects.filter(partnership_id__in=by_id, left_on__isnull=True)
        }
        for (school_id, partnership_id), membership in current.items():
            still_member = wanted.get(school_id) == by_id[partnership_id].name and school_id not in closed_on
            if not still_member:
                membership.left_on = closed_on.get(school_id) or today
                membership.save(update_fields=["left_on"])
        had_membership = set(
            PartnershipMembership.objects.filter(partnership_id__in=by_id).values_list("school_id", "partnership_id")
        )
        new_memberships = []
        for school_id, name in wanted.items():
            key = (school_id, partnerships[name].pk)
            if key in current and school_id not in closed_on:
                continue
            if school_id in closed_on:
                if key not in had_membership:
                    # Closed before we knew of it: record the membership as ended.
                    new_memberships.append(
                        PartnershipMembership(
                            partnership_id=key[1], school_id=school_id, left_on=closed_on[school_id] or today
                        )
                    )
                continue
            # The register does not say when a school joined: on the first import the
            # date is unknown; after that, a move is dated the day we saw it.
            joined_on = today if _seen_before(school_id, kind) else None
            new_memberships.append(
                PartnershipMembership(partnership_id=key[1], school_id=school_id, joined_on=joined_on)
            )
        PartnershipMembership.objects.bulk_create(new_memberships)


def _seen_before(school_id: int, kind: str) -> bool:
    return PartnershipMembership.objects.filter(school_id=school_id, partnership__kind=kind).exists()
