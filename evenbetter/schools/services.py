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
    localities were created. A handful of queries however many districts and schools: the
    schools' districts, the localities and their memberships are each read once, and only
    the differences are written (one INSERT, one DELETE).
    """
    by_district: dict[str, set[int]] = {}
    for school_id, district in School.objects.exclude(district="").values_list("pk", "district"):
        by_district.setdefault(district, set()).add(school_id)
    localities = {locality.name: locality for locality in Locality.objects.filter(name__in=by_district)}
    taken = set(Locality.objects.values_list("slug", flat=True))
    new = []
    for district in sorted(set(by_district) - set(localities)):
        slug = _free_slug(district, taken)
        taken.add(slug)
        new.append(
            Locality(
                name=district,
                slug=slug,
                source=Locality.Source.REGISTER_DISTRICT,
                description=f"Schools in the {district} district, from the register.",
            )
        )
    if new:
        Locality.objects.bulk_create(new)  # PostgreSQL and SQLite ≥ 3.35 return the new keys
        if any(locality.pk is None for locality in new):
            new = list(Locality.objects.filter(name__in=[locality.name for locality in new]))
        localities.update((locality.name, locality) for locality in new)
    register_ids = {
        locality.pk: by_district[name]
        for name, locality in localities.items()
        if locality.source == Locality.Source.REGISTER_DISTRICT
    }
    through = Locality.schools.through
    held: dict[int, dict[int, int]] = {}  # locality → school → the membership row's id
    for row_id, locality_id, school_id in through.objects.filter(locality_id__in=register_ids).values_list(
        "pk", "locality_id", "school_id"
    ):
        held.setdefault(locality_id, {})[school_id] = row_id
    gone: list[int] = []
    added = []
    for locality_id, wanted in register_ids.items():
        have = held.get(locality_id, {})
        gone += [row_id for school_id, row_id in have.items() if school_id not in wanted]
        added += [through(locality_id=locality_id, school_id=school_id) for school_id in sorted(wanted - set(have))]
    for start in range(0, len(gone), 1000):  # one DELETE unless many schools changed district
        through.objects.filter(pk__in=gone[start : start + 1000]).delete()
    through.objects.bulk_create(added, batch_size=1000)
    return len(new)


def _free_slug(base: str, taken: set[str]) -> str:
    """``_unique_slug`` against slugs already read (no query per candidate)."""
    slug = slugify(base)[:150] or "unnamed"
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


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
