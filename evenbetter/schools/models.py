"""The school register: schools, localities and partnerships.

Only school-level facts are kept. The register's personal fields (headteacher's title
and name, telephone number) are left out on purpose: see DESIGN.md, principle 4.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class School(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        OPEN_PROPOSED_TO_CLOSE = "open_proposed_to_close", "Open, but proposed to close"
        PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"
        CLOSED = "closed", "Closed"

    urn = models.PositiveIntegerField(
        "URN",
        unique=True,
        null=True,
        blank=True,
        help_text="England's unique reference number; schools elsewhere are known by their identifiers",
    )
    name = models.CharField(max_length=200)
    la_code = models.CharField("LA code", max_length=10, blank=True, db_index=True)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    establishment_number = models.CharField(max_length=10, blank=True)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    type_group = models.CharField("establishment type group", max_length=100, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, db_index=True)
    phase = models.CharField(max_length=60, blank=True, db_index=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    religious_character = models.CharField(max_length=100, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    pupils_on_roll = models.PositiveIntegerField(null=True, blank=True)
    percent_fsm = models.DecimalField("% FSM", max_digits=5, decimal_places=1, null=True, blank=True)
    census_date = models.DateField(null=True, blank=True)
    trust_name = models.CharField("trust", max_length=200, blank=True)
    federation_name = models.CharField("federation", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    urban_rural = models.CharField("urban/rural", max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ofsted_rating = models.CharField("Ofsted rating", max_length=40, blank=True, db_index=True)
    ofsted_last_inspection = models.DateField("last Ofsted inspection", null=True, blank=True)
    linked_establishments = models.CharField(
        max_length=1000, blank=True, help_text="Predecessor and successor URNs, as the register gives them"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: its latest value is the register's stamp (``schools.selectors.register_stamp``).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name", "urn"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})" if self.urn else self.name

    def get_absolute_url(self) -> str:
        if self.urn:
            return reverse("school_detail", args=[self.urn])
        return reverse("school_detail_by_id", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def links(self) -> list[tuple[int, str]]:
        """The register's linked establishments as (URN, how linked), e.g. (130035, "Predecessor")."""
        found = []
        for part in self.linked_establishments.split(";"):
            urn, _, relation = part.strip().partition(" ")
            if urn.isdigit():
                found.append((int(urn), relation.strip()))
        return found


class Locality(models.Model):
    """A named set of schools agreed across partners (by default a register district).

    ``schools`` is the current state, kept by ``schools.services`` and read everywhere
    (scope, access, dashboards): a school is in the agreed locality its open ``LocalityLink``
    names, and otherwise in its register district's locality, the default. The links keep the
    history of agreed localities."""

    class Source(models.TextChoices):
        REGISTER_DISTRICT = "register_district", "Register district"
        AGREED = "agreed", "Agreed by partners"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.AGREED)
    description = models.TextField(blank=True)
    schools = models.ManyToManyField(School, related_name="localities", blank=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo, not taken from a real source")
    agreed_by = models.CharField(
        max_length=300, blank=True, help_text="Who agreed it: the partners, e.g. the council, the police, the NHS trust"
    )
    agreed_on = models.DateField(null=True, blank=True, help_text="When the partners agreed it")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("locality_detail", args=[self.slug])


class LocalityLink(models.Model):
    """A school's time in an agreed locality: at most one open link (``left_on`` empty) per
    school, so a school is in exactly one agreed locality at a time; a move closes the old one."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="links")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="locality_links")
    joined_on = models.DateField(null=True, blank=True, help_text="Empty: before links were kept")
    left_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=models.Q(left_on__isnull=True), name="locality_link_one_open_per_school"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="locality_link_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.locality}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Partnership(models.Model):
    """A cluster, trust, federation or alliance of schools."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", "Cluster"
        TRUST = "trust", "Trust"
        FEDERATION = "federation", "Federation"
        ALLIANCE = "alliance", "Alliance"

    class Source(models.TextChoices):
        REGISTER = "register", "From the register"
        LOCAL = "local", "Recorded locally"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=210, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.LOCAL)
    description = models.TextField(blank=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo, not taken from a real source")
    schools: models.ManyToManyField[School, PartnershipMembership] = models.ManyToManyField(
        School, through="PartnershipMembership", related_name="partnerships", blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="partnership_unique_kind_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership_detail", args=[self.slug])


class PartnershipMembership(models.Model):
    """A school's time in a partnership: history is kept, a leaver gets an end date."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partnership_memberships")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership__name", "school__name", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "school"],
                condition=models.Q(left_on__isnull=True),
                name="partnership_one_current_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.partnership}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class SchoolIdentifier(models.Model):
    """A school's identifier in another scheme: an authority's own number, another country's."""

    scheme = models.SlugField(max_length=50, help_text='The scheme\'s short name, e.g. "hants-la" or "ni-deni"')
    value = models.CharField(max_length=60)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="identifiers")

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique_in_scheme")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class SchoolLink(models.Model):
    """Two schools that are one school over time: the predecessor closed and the successor opened
    in its place (an academy conversion, a re-opening under a new URN). The successor's history
    starts with the predecessor's: its inspections are read as the successor's past."""

    class Kind(models.TextChoices):
        PREDECESSOR = "predecessor", "Predecessor"

    predecessor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PREDECESSOR)
    linked_on = models.DateField(
        null=True, blank=True, help_text="The day the successor took over, when the source says (it opened)"
    )
    source = models.CharField(max_length=100, help_text="Where the link comes from, e.g. the school spine's file")

    class Meta:
        ordering = ["successor", "linked_on"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor", "kind"], name="school_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="school_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"
