"""The indicators' panels: on the school page, its inspections and the schools it was and became
(in the Pupils card, kept with the glance), the data's "as at" and confidence at a glance, and
every indicator over time (section "Data"); in the profile, the school's facts and its trends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from reportlab.platypus import Table
from reportlab.platypus.flowables import Flowable

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.indicators.figures_cache import (
    IMPORT_RECORDS,
    figures_cached,
    figures_key,
    records_generation,
    school_part_key,
)
from evenbetter.indicators.models import Dispute, Indicator, Observation, SchoolDataGlance
from evenbetter.indicators.selectors import (
    IndicatorSeries,
    disputes_visible_to,
    generated_values_of,
    inspections_of_school_visible_to,
    school_indicator_series,
    sees_local_records,
)
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School
from evenbetter.schools.profile import DASH, ProfileSection, day_words
from evenbetter.schools.profile_pdf import LINE, WIDTH, para, table
from evenbetter.schools.selectors import school_links_seen_by, school_partnership_memberships

TREND_PERIODS = 3


@register
class Inspections(Panel):
    page = "school-pupils"
    order = 100
    template = "indicators/_school_inspections.html"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Published, the same for everyone who may open the school's page (their access is named
        # all the same): kept with the glance until an import is recorded (the imports'
        # generation), since only imports write inspections and the register's facts it shows.
        return figures_key(
            "panel:school-inspections",
            scope=(subject.pk, school_access(request.user, subject).name, records_generation(IMPORT_RECORDS)),
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"inspections": inspections_of_school_visible_to(request.user, subject)}


@register
class SchoolHistoryLinks(Panel):
    """The school it was before (or became), whose inspections are read as one history with its
    own: beside the inspections, and kept with them (here, not in the register's app, which
    stands below the cache)."""

    page = "school-pupils"
    order = 90
    template = "schools/_school_links.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        # Whether the school has any link is the drawing's to say (it draws nothing then): asked
        # here, it was a query on every view, kept or not.
        return school_access(request.user, subject) != SchoolAccess.NONE

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Each other school is a link only for a reader who may open it: kept per reader's access
        # shape, with the glance, until an import is recorded (the imports' generation): only
        # imports write the links and the register's names and statuses they show.
        return school_part_key(
            "panel:school-history-links", user=request.user, school=subject, records=IMPORT_RECORDS, daily=False
        )

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        before, after = school_links_seen_by(user=request.user, school=subject)
        return {"was": before, "became": after}


@dataclass(frozen=True)
class DataRow:
    """One indicator's values from one kind of source: a row of the Data section's tables."""

    series: IndicatorSeries
    values: list[tuple[str, float]]

    @property
    def span(self) -> str:
        points = self.series.points
        return points[0].period if len(points) == 1 else f"{points[0].period} to {points[-1].period}"


@dataclass(frozen=True)
class DataSource:
    """The indicators of one kind of source, by domain: published data, the school system's
    own local records, or records generated for the demo."""

    key: str
    name: str
    about: str
    domains: list[tuple[str, list[DataRow]]]

    @property
    def is_generated(self) -> bool:
        return self.key == "generated"

    @property
    def latest_period(self) -> str:
        periods = [row.series.points[-1].period for _, rows in self.domains for row in rows]
        return max(periods) if periods else ""

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.domains)


SOURCES = [
    (
        "published",
        "Published data",
        "Results, census and inspection data published by the Department for Education and Ofsted.",
    ),
    (
        "local",
        "Local records",
        "Records the school system keeps for itself (returns, partnership life, data quality): not published.",
    ),
    (
        "generated",
        "Generated for the demo",
        "Made up by the demo to fill what no public source has. Not real: never read these as the school's results.",
    ),
]


def data_sources(series: list[IndicatorSeries], generated: set[tuple[int, str]]) -> list[DataSource]:
    """Every indicator's values split by where they came from, so that real published results
    never sit unlabelled beside generated records (an indicator may have both)."""
    labels = dict(Indicator.Domain.choices)
    order = list(labels)
    grouped: dict[str, dict[str, list[DataRow]]] = {key: {} for key, _, _ in SOURCES}
    for entry in series:
        made_up = [p for p in entry.points if (entry.indicator.pk, p.period) in generated]
        real = [p for p in entry.points if (entry.indicator.pk, p.period) not in generated]
        for key, points in (("published" if entry.indicator.is_public else "local", real), ("generated", made_up)):
            if points:
                part = IndicatorSeries(entry.indicator, points)
                values = [(p.period, p.value) for p in part.values if p.value is not None]
                grouped[key].setdefault(entry.indicator.domain, []).append(DataRow(part, values))
    return [
        DataSource(key, name, about, [(labels[d], grouped[key][d]) for d in sorted(grouped[key], key=order.index)])
        for key, name, about in SOURCES
        if grouped[key]
    ]


@register
class IndicatorsOverTime(Panel):
    page = "school"
    order = 700
    template = "indicators/_school_indicators.html"
    title = "Data"
    slug = "data"

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        return {
            "data_sources": data_sources(
                _series_of_request(request, school),
                generated_values_of(school, request=request),
            ),
            "can_flag": school.pk in scope_of(request.user).school_ids,
            "disputed_ids": set(
                disputes_visible_to(request.user)
                .filter(observation__school=school, status=Dispute.Status.OPEN)
                .values_list("observation_id", flat=True)
            ),
        }


@register
class GlanceData(Panel):
    """At a glance: how far the published data and the generated records each go, and the
    confidence in the school's evidence base."""

    page = "glance"
    order = 900
    template = "indicators/_glance.html"
    title = "The data"

    def cache_key(self, request: HttpRequest, subject: Any) -> str | None:
        # Drawn from the school's kept row (written by the refresh, which renews the figures'
        # generation) as the reader's access shows it (published values only, or local records
        # too). How fresh the figures are is drawn above the glance on every view (``jobs.panels``):
        # a refresh queued or finished leaves this as it was.
        return figures_key("panel:glance-data", scope=(subject.pk, school_access(request.user, subject).name))

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        school: School = subject
        access = school_access(request.user, school)
        # Kept for every school by the refresh (one row, the same for every reader: what differs
        # by access is chosen here). Without one, worked out from every value of the school
        # (hundreds of rows) and kept in the figures cache per school and per access (published
        # values only, or local records too), until the next write of values. How fresh the
        # figures are is its own tag's (kept by its own generations: see ``cache_key``).
        kept = SchoolDataGlance.objects.select_related("confidence__indicator").filter(school=school).first()
        if kept is not None:
            sources, confidence = _glance_kept(kept, access)
        else:
            sources, confidence = figures_cached(
                "glance-data", lambda: _glance_data(request, school), scope=(school.pk, access.name)
            )
        return {"glance_sources": sources, "confidence": confidence}


@dataclass(frozen=True)
class GlanceSource:
    """One kind of source at a glance: its name and how far its values go."""

    key: str
    name: str
    latest_period: str


def _glance_data(request: HttpRequest, school: School) -> tuple[list[GlanceSource], Observation | None]:
    # The school's values and which of them were generated, read once for the request: the
    # Data section below draws from the same reads.
    series = _series_of_request(request, school)
    confidence = next((entry for entry in series if entry.indicator.code == "data_confidence" and entry.values), None)
    sources = [
        GlanceSource(source.key, source.name, source.latest_period)
        for source in data_sources(series, generated_values_of(school, request=request))
    ]
    return sources, confidence.values[-1] if confidence else None


def _glance_kept(kept: SchoolDataGlance, access: SchoolAccess) -> tuple[list[GlanceSource], Observation | None]:
    """The kept glance of the data as this access shows it: local records, their generated
    values and the confidence (a local record) only to those who see local records."""
    if access == SchoolAccess.NONE:
        return [], None
    local = sees_local_records(access)
    up_to = {
        "published": kept.published_up_to,
        "local": kept.local_up_to if local else "",
        "generated": kept.generated_up_to if local else kept.generated_published_up_to,
    }
    sources = [GlanceSource(key, name, up_to[key]) for key, name, _ in SOURCES if up_to[key]]
    confidence = kept.confidence
    if confidence is not None and not (local or confidence.indicator.is_public):
        confidence = None
    return sources, confidence


# --- the profile ------------------------------------------------------------------------------


def _series_of_request(request: HttpRequest, school: School) -> list[IndicatorSeries]:
    """The school's series as the request's reader sees them, read once for the request: the
    page's glance of the data and its Data section, the profile's facts and its trends all draw
    from them (every value of the school)."""
    read: dict[int, list[IndicatorSeries]] = request.__dict__.setdefault("_evenbetter_series", {})
    if school.pk not in read:
        read[school.pk] = school_indicator_series(user=request.user, school=school)
    return read[school.pk]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    generated: bool = False


@dataclass(frozen=True)
class FactsSection:
    facts: list[Fact]

    @property
    def has_generated(self) -> bool:
        return any(fact.generated for fact in self.facts)


FACT_CODES = ("pupils_on_roll", "percent_fsm", "percent_eal", "percent_sen")


@dataclass(frozen=True)
class ProfileFigures:
    """What the profile's facts and trends read from every value of the school: the latest of
    each context indicator in words, and the headline indicators' last periods."""

    latest: dict[str, str]
    trends: list[TrendRow]


def _profile_figures(request: HttpRequest, school: School) -> ProfileFigures:
    """The profile's figures from the school's values, kept in the figures cache: reading every
    value of the school (a thousand rows at national scale) was most of the profile and of its
    PDF. They differ only by whether the reader may see the school and its local records
    (``sees_local_records``), which is the key beside the school; every write of values, a
    corrected value and a change to the catalogue renew the generation."""
    access = school_access(request.user, school)

    def worked_out() -> ProfileFigures:
        series = _series_of_request(request, school)
        generated = generated_values_of(school, request=request)
        return ProfileFigures(
            {code: _latest(series, code) for code in FACT_CODES},
            [_trend_row(entry, generated) for entry in series if entry.indicator.headline and entry.points],
        )

    scope = (school.pk, access != SchoolAccess.NONE, sees_local_records(access))
    return figures_cached("school-profile-figures", worked_out, scope=scope)


def _latest(series: list[IndicatorSeries], code: str) -> str:
    for entry in series:
        if entry.indicator.code == code and entry.values:
            point = entry.values[-1]
            return f"{entry.indicator.label_for(point.value)} ({point.period})"
    return ""


def _facts(user: AnyUser, school: School, latest: dict[str, str]) -> list[Fact]:
    facts = [
        Fact("Type", school.type_name or DASH),
        Fact("Phase", school.phase or DASH),
        Fact("Status", school.get_status_display()),
        Fact("Local authority", f"{school.la_name} ({school.la_code})" if school.la_name else DASH),
    ]
    if school.urn:
        facts.insert(0, Fact("URN", str(school.urn)))
    pupils = f"{school.pupils_on_roll:,} (register)" if school.pupils_on_roll is not None else ""
    facts.append(Fact("Pupils on roll", pupils or latest["pupils_on_roll"] or "Not known"))
    fsm = f"{school.percent_fsm}% (register)" if school.percent_fsm is not None else ""
    facts.append(Fact("% eligible for free school meals", fsm or latest["percent_fsm"] or "Not known"))
    facts.append(Fact("% English as an additional language", latest["percent_eal"] or "Not known"))
    facts.append(Fact("% SEN support", latest["percent_sen"] or "Not known"))
    inspection = inspections_of_school_visible_to(user, school).first()
    if inspection is not None:
        when = day_words(inspection.inspected_on) if inspection.inspected_on else f"as at {inspection.as_at}"
        facts.append(Fact("Ofsted", f"{inspection.grade_label}, {when}"))
    elif school.ofsted_rating:
        when = day_words(school.ofsted_last_inspection) if school.ofsted_last_inspection else "date unknown"
        facts.append(Fact("Ofsted", f"{school.ofsted_rating}, {when}"))
    else:
        facts.append(Fact("Ofsted", "No rating on the register"))
    for locality in school.localities.all():
        facts.append(Fact("Locality", locality.name, locality.is_generated))
    memberships = [m for m in school_partnership_memberships(user=user, school=school) if m.left_on is None]
    for membership in memberships:
        partnership = membership.partnership
        since = f", since {day_words(membership.joined_on)}" if membership.joined_on else ""
        facts.append(
            Fact(
                "Partnership",
                f"{partnership.name} ({partnership.get_kind_display().lower()}{since})",
                partnership.is_generated,
            )
        )
    if not memberships:
        # Governors and partner agencies do not see partnerships: the register's own words.
        named = [f"Trust: {school.trust_name}"] if school.trust_name else []
        named += [f"Federation: {school.federation_name}"] if school.federation_name else []
        facts.append(Fact("Partnerships", "; ".join(named) or "None known"))
    return facts


@register
class SchoolFacts(ProfileSection):
    key = "facts"
    order = 100
    template = "indicators/_profile_facts.html"
    title = "The school"

    def section(self, request: HttpRequest, school: School) -> FactsSection:
        return FactsSection(_facts(request.user, school, _profile_figures(request, school).latest))

    def pdf_flowables(self, section: FactsSection) -> list[Flowable]:
        rows = [[para(f.label, "cell"), para(f.value, "cell", generated=f.generated)] for f in section.facts]
        facts = Table(rows, colWidths=[0.35 * WIDTH, 0.65 * WIDTH], hAlign="LEFT")
        facts.setStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
        return [para("The school", "h2"), facts]


@dataclass(frozen=True)
class TrendRow:
    """One headline indicator's last periods, oldest first."""

    indicator: str
    direction: str
    points: list[tuple[str, str]]
    public: bool
    generated: bool

    @property
    def blank_cells(self) -> int:
        """Periods short of the three a trend shows (a table's cells to leave empty)."""
        return TREND_PERIODS - len(self.points)


@dataclass(frozen=True)
class TrendsSection:
    rows: list[TrendRow]

    @property
    def has_generated(self) -> bool:
        return any(row.generated for row in self.rows)


def _trend_row(entry: IndicatorSeries, generated: set[tuple[int, str]]) -> TrendRow:
    recent = entry.points[-TREND_PERIODS:]
    points = [
        (p.period, entry.indicator.label_for(p.value) if p.value is not None else str(p.get_status_display()))
        for p in recent
    ]
    direction = {
        Indicator.Direction.HIGHER_IS_BETTER: "higher is better",
        Indicator.Direction.LOWER_IS_BETTER: "lower is better",
    }.get(Indicator.Direction(entry.indicator.direction), "context")
    return TrendRow(
        indicator=entry.indicator.name,
        direction=direction,
        points=points,
        public=entry.indicator.is_public,
        generated=any((entry.indicator.pk, p.period) in generated for p in recent),
    )


@register
class Trends(ProfileSection):
    key = "trends"
    order = 700  # Data, last, as on the school page
    template = "indicators/_profile_trends.html"
    title = "Trends"

    def section(self, request: HttpRequest, school: School) -> TrendsSection:
        return TrendsSection(_profile_figures(request, school).trends)

    def pdf_flowables(self, section: TrendsSection) -> list[Flowable]:
        story: list[Flowable] = [para("Trends", "h2")]
        if not section.rows:
            story.append(para("No headline indicator is held for this school yet.", "muted"))
            return story
        story.append(para("The last three periods held of each headline indicator, oldest first.", "muted"))
        rows = []
        for trend in section.rows:
            # The latest period always in the last column, so that a column is one time apart.
            cells = [para("", "cell")] * trend.blank_cells + [
                para(f"{period}: {value}", "cell") for period, value in trend.points
            ]
            rows.append(
                [para(trend.indicator, "cell", generated=trend.generated), para(trend.direction, "cell"), *cells]
            )
        header = ["Indicator", "Reads", "Two before", "One before", "Latest"]
        return [*story, table(header, rows, [0.3, 0.13, 0.19, 0.19, 0.19])]
