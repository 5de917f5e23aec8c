"""Every write to the register's localities and partnerships.

Which locality a school is in now has one home, ``_current_localities_sync``: the agreed
locality its open ``LocalityLink`` names, else its register district's locality (the
default). ``Locality.schools`` holds that current state, so every reader of it (a locality
lead's scope, an agency's schools, the dashboards) follows an agreement as soon as it is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.models import Locality, LocalityLink, Partnership, PartnershipMembership, School
from evenbetter.schools.signals import partnership_members_changed

# Slugs that are the names of pages beside the localities' and partnerships' own.
RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(model: type[Locality] | type[Partnership], base: str) -> str:
    slug = slugify(base)[:150] or "unnamed"
    candidate, number = slug, 2
    while candidate in RESERVED_SLUGS or model.objects.filter(slug=candidate).exists():
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


@transaction.atomic
def register_sync_localities() -> int:
    """Keep one locality per register district, holding that district's schools.

    Localities that partners agreed (source "agreed") are left alone, and so are the schools
    they cover: a school with an open ``LocalityLink`` is in its agreed locality, not in its
    district's (the district is only the default). Returns how many localities were created.
    A handful of queries however many districts and schools: the schools' districts (with
    whether an agreement covers each), the localities and their memberships are each read
    once, and only the differences are written (one INSERT, one DELETE).
    """
    by_district: dict[str, set[int]] = {}
    covered = _covered_by_agreement()
    for school_id, district, agreed in (
        School.objects.exclude(district="").annotate(agreed=covered).values_list("pk", "district", "agreed")
    ):
        by_district.setdefault(district, set())
        if not agreed:
            by_district[district].add(school_id)
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


def _covered_by_agreement() -> Exists:
    """Whether a school is in an agreed locality now: read with the schools, in the same SELECT."""
    return Exists(LocalityLink.objects.filter(school=OuterRef("pk"), left_on__isnull=True))


def _free_slug(base: str, taken: set[str]) -> str:
    """``_unique_slug`` against slugs already read (no query per candidate)."""
    slug = slugify(base)[:150] or "unnamed"
    candidate, number = slug, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


@transaction.atomic
def register_sync_partnerships(*, today: dt.date) -> None:
    """Make the register's trusts and federations partnerships, keeping history.

    A school whose trust or federation changes leaves the old one (``left_on`` set) and
    joins the new one; a closed school leaves on its close date. Run twice on the same
    register, it changes nothing; when it changes something it says so, naming the schools that
    joined or left (``signals.partnership_members_changed``: the figures kept over members are
    renewed, and those schools' kept contact summaries dropped).
    """
    changed = False
    moved: set[int] = set()  # the schools that joined or left a trust or federation
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
            changed = True
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
                changed = True
                moved.add(school_id)
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
        changed = changed or bool(new_memberships)
        moved |= {membership.school_id for membership in new_memberships}
    if changed:
        partnership_members_changed.send(sender=PartnershipMembership, school_ids=frozenset(moved))


@transaction.atomic
def partnership_members_add(*, members: Iterable[tuple[int, int]], batch_size: int = 5000) -> int:
    """Schools join partnerships: ``members`` are (partnership id, school id) pairs; a school
    already a current member of that partnership stays as it is. Says which schools joined
    (``signals.partnership_members_changed``, as the register's own sync does: the figures kept
    over members are renewed, and those schools' kept contact summaries dropped), so that nothing
    that makes memberships (the demo's clusters) leaves kept figures behind. Returns how many joined.
    """
    wanted = list(dict.fromkeys(members))  # in the order given, each pair once
    if not wanted:
        return 0
    current = set(
        PartnershipMembership.objects.filter(
            partnership_id__in={partnership_id for partnership_id, _ in wanted}, left_on__isnull=True
        ).values_list("partnership_id", "school_id")
    )
    joining = [pair for pair in wanted if pair not in current]
    PartnershipMembership.objects.bulk_create(
        [
            PartnershipMembership(partnership_id=partnership_id, school_id=school_id)
            for partnership_id, school_id in joining
        ],
        batch_size=batch_size,
    )
    if joining:
        partnership_members_changed.send(
            sender=PartnershipMembership, school_ids=frozenset(school_id for _, school_id in joining)
        )
    return len(joining)


def _seen_before(school_id: int, kind: str) -> bool:
    return PartnershipMembership.objects.filter(school_id=school_id, partnership__kind=kind).exists()


# --- agreed localities --------------------------------------------------------------------------


class LocalityProblem(ValueError):
    """A change to an agreed locality that cannot be made, in words for the page."""


def _current_localities_sync(school_ids: Iterable[int]) -> None:
    """Make ``Locality.schools`` say, for these schools, the locality each is in now: the agreed
    locality of its open link, else its register district's locality (the default), else none.
    Only the rows that differ are written."""
    ids = set(school_ids)
    if not ids:
        return
    agreed = dict(
        LocalityLink.objects.filter(school_id__in=ids, left_on__isnull=True).values_list("school_id", "locality_id")
    )
    districts = dict(School.objects.filter(pk__in=ids - set(agreed)).exclude(district="").values_list("pk", "district"))
    district_localities = dict(
        Locality.objects.filter(source=Locality.Source.REGISTER_DISTRICT, name__in=set(districts.values())).values_list(
            "name", "pk"
        )
    )
    wanted = set(agreed.items()) | {
        (school_id, district_localities[name]) for school_id, name in districts.items() if name in district_localities
    }
    through = Locality.schools.through
    have = {(row.school_id, row.locality_id): row.pk for row in through.objects.filter(school_id__in=ids)}
    gone = [row_id for pair, row_id in have.items() if pair not in wanted]
    through.objects.filter(pk__in=gone).delete()
    through.objects.bulk_create(
        [through(school_id=school_id, locality_id=locality_id) for school_id, locality_id in sorted(wanted - set(have))]
    )


@transaction.atomic
def locality_schools_set(*, locality: Locality, schools: Collection[School], on: dt.date, by: User | None) -> None:
    """The schools of an agreed locality from ``on``: a school that joins leaves the agreed
    locality it was in (its link closed that day); a school that leaves goes back to its
    register district's locality until another agreement takes it."""
    if locality.source != Locality.Source.AGREED:
        raise LocalityProblem(f"{locality.name} is a register district: its schools follow the register.")
    wanted = {school.pk for school in schools}
    current = set(
        LocalityLink.objects.filter(locality=locality, left_on__isnull=True).values_list("school_id", flat=True)
    )
    joining = wanted - current
    leaving = current - wanted
    # Closed before the new ones open (one open link per school at every moment): a joining
    # school's link elsewhere, a leaving school's link here.
    LocalityLink.objects.filter(left_on__isnull=True, school_id__in=joining | leaving).update(left_on=on)
    LocalityLink.objects.bulk_create(
        [
            LocalityLink(locality=locality, school_id=school_id, joined_on=on, recorded_by=by)
            for school_id in sorted(joining)
        ]
    )
    _current_localities_sync(joining | leaving)


def _locality_lead_add(*, locality: Locality, lead: User | None) -> None:
    """A lead for the locality: a locality-lead membership, audited as every membership change is."""
    if lead is None or Membership.objects.filter(user=lead, role=Role.LOCALITY_LEAD, locality=locality).exists():
        return
    if not lead.is_active:
        raise LocalityProblem(f"{lead.username}'s account is deactivated: choose someone whose account is in use.")
    Membership.objects.create(user=lead, role=Role.LOCALITY_LEAD, locality=locality)


@transaction.atomic
def locality_agree(
    *,
    name: str,
    description: str,
    agreed_by: str,
    agreed_on: dt.date,
    schools: Collection[School],
    lead: User | None,
    by: User | None,
    today: dt.date | None = None,
) -> Locality:
    """A new agreed locality, its schools (taken from wherever they were) and its lead."""
    if Locality.objects.filter(name__iexact=name).exists():
        raise LocalityProblem(f'There is already a locality called "{name}": choose another name.')
    locality = Locality.objects.create(
        name=name,
        slug=_unique_slug(Locality, name),
        source=Locality.Source.AGREED,
        description=description,
        agreed_by=agreed_by,
        agreed_on=agreed_on,
    )
    locality_schools_set(locality=locality, schools=schools, on=today or timezone.localdate(), by=by)
    _locality_lead_add(locality=locality, lead=lead)
    return locality


@transaction.atomic
def locality_update(
    *,
    locality: Locality,
    name: str,
    description: str,
    agreed_by: str,
    agreed_on: dt.date,
    schools: Collection[School],
    lead: User | None,
    by: User | None,
    today: dt.date | None = None,
) -> Locality:
    if Locality.objects.filter(name__iexact=name).exclude(pk=locality.pk).exists():
        raise LocalityProblem(f'There is already a locality called "{name}": choose another name.')
    locality.name, locality.description = name, description
    locality.agreed_by, locality.agreed_on = agreed_by, agreed_on
    locality.save(update_fields=["name", "description", "agreed_by", "agreed_on"])
    locality_schools_set(locality=locality, schools=schools, on=today or timezone.localdate(), by=by)
    _locality_lead_add(locality=locality, lead=lead)
    return locality
