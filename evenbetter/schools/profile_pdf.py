"""The school improvement profile as a PDF (A4), drawn with reportlab from ``profile_of``'s
``Profile``: the same words as the HTML page, laid out for paper.

Tables repeat their heading row and split across pages; every page carries the page
number and "Generated on <date> from Even Better"; records made up for the demo are
marked "(generated)". Text people wrote (request titles, the school's response) is
escaped before it reaches reportlab's paragraph mark-up.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import dateformat
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.flowables import Flowable

from evenbetter.schools.profile import Profile, SupportRow

PLATFORM = "Even Better"
BRAND = colors.HexColor("#0b5c4b")
MUTED = colors.HexColor("#545c66")
LINE = colors.HexColor("#d5dae0")
WASH = colors.HexColor("#f4f6f8")
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN

_base = getSampleStyleSheet()
STYLES = {
    "kicker": ParagraphStyle("kicker", parent=_base["Normal"], fontSize=9, textColor=BRAND, spaceAfter=2),
    "title": ParagraphStyle("title", parent=_base["Title"], alignment=0, fontSize=20, leading=24, spaceAfter=4),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], fontSize=13, leading=16, textColor=BRAND, spaceBefore=10),
    "body": ParagraphStyle("body", parent=_base["Normal"], fontSize=9.5, leading=12.5),
    "muted": ParagraphStyle("muted", parent=_base["Normal"], fontSize=8.5, leading=11, textColor=MUTED),
    "cell": ParagraphStyle("cell", parent=_base["Normal"], fontSize=8.5, leading=10.5),
    "head": ParagraphStyle("head", parent=_base["Normal"], fontSize=8.5, leading=10.5, fontName="Helvetica-Bold"),
    "h3": ParagraphStyle(
        "h3", parent=_base["Normal"], fontSize=10, leading=13, fontName="Helvetica-Bold", spaceBefore=6
    ),
    "num": ParagraphStyle("num", parent=_base["Normal"], fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
}
GENERATED = ' <font color="#5c4300"><i>(generated)</i></font>'


def _p(text: str, style: str = "body", *, generated: bool = False) -> Paragraph:
    return Paragraph(escape(text) + (GENERATED if generated else ""), STYLES[style])


def _table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    """A table whose heading row repeats on every page it runs onto; rows never split."""
    data = [[_p(h, "head") for h in header], *rows]
    table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), WASH),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    return table


def _bullets(lines: list[str]) -> ListFlowable:
    return ListFlowable(
        [ListItem(_p(line), leftIndent=10, value="•") for line in lines], bulletType="bullet", start="•", leftIndent=10
    )


def _title_block(profile: Profile) -> list[Flowable]:
    school = profile.school
    place = " · ".join(
        part for part in (f"URN {school.urn}" if school.urn else "", school.la_name, school.phase) if part
    )
    story: list[Flowable] = [
        _p("School improvement profile", "kicker"),
        _p(school.name, "title"),
        _p(place, "muted"),
        Spacer(1, 3 * mm),
        _p(f"This copy shows {profile.reader_sees}. Generated on {dateformat.format(profile.generated_on, 'j F Y')}."),
    ]
    if profile.has_generated:
        story.append(_p("Records marked (generated) are made up for the demo: they are not real.", "muted"))
    return story


def _facts(profile: Profile) -> list[Flowable]:
    rows = [[_p(f.label, "cell"), _p(f.value, "cell", generated=f.generated)] for f in profile.facts]
    table = Table(rows, colWidths=[0.35 * WIDTH, 0.65 * WIDTH], hAlign="LEFT")
    table.setStyle(
        [
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    return [_p("The school", "h2"), table]


def _benchmarks(profile: Profile) -> list[Flowable]:
    story: list[Flowable] = [_p("Against similar schools", "h2")]
    if not profile.benchmarks:
        story.append(_p("No headline indicator has been benchmarked for this school yet.", "muted"))
        return story
    story.append(
        _p(
            f"Each headline indicator's latest period against its family of {profile.comparison}: their median, "
            "the middle half of them, how many of them it does better than, and the even-better target "
            "(their upper quartile on the better side).",
            "muted",
        )
    )
    rows = [
        [
            _p(
                b.indicator + (" (small cohort: read with care)" if b.small_cohort else ""),
                "cell",
                generated=b.generated,
            ),
            _p(b.period, "cell"),
            _p(b.value, "num"),
            _p(b.median, "num"),
            _p(b.middle_half, "cell"),
            _p(b.better_than, "cell"),
            _p(b.target, "cell"),
        ]
        for b in profile.benchmarks
    ]
    header = ["Indicator", "Period", "Value", "Family median", "Middle half", "Standing", "Even-better target"]
    story.append(_table(header, rows, [0.22, 0.09, 0.1, 0.1, 0.15, 0.17, 0.17]))
    return story


def _strengths(profile: Profile) -> list[Flowable]:
    story: list[Flowable] = [_p("Strengths", "h2")]
    story.append(_bullets(profile.strengths) if profile.strengths else _p("None stands out yet.", "muted"))
    story.append(_p("Areas to develop", "h2"))
    story.append(_bullets(profile.areas) if profile.areas else _p("None stands out yet.", "muted"))
    story.append(
        _p(
            "Compared with its family only, over up to three years; one year in the top or bottom quarter is "
            "not enough unless it is the only year held.",
            "muted",
        )
    )
    return story


def _trends(profile: Profile) -> list[Flowable]:
    story: list[Flowable] = [_p("Trends", "h2")]
    if not profile.trends:
        story.append(_p("No headline indicator is held for this school yet.", "muted"))
        return story
    story.append(_p("The last three periods held of each headline indicator, oldest first.", "muted"))
    rows = []
    for trend in profile.trends:
        # The latest period always in the last column, so that a column is one time apart.
        cells = [_p("", "cell")] * trend.blank_cells + [
            _p(f"{period}: {value}", "cell") for period, value in trend.points
        ]
        rows.append([_p(trend.indicator, "cell", generated=trend.generated), _p(trend.direction, "cell"), *cells])
    header = ["Indicator", "Reads", "Two before", "One before", "Latest"]
    story.append(_table(header, rows, [0.3, 0.13, 0.19, 0.19, 0.19]))
    return story


def _support_table(rows: list[SupportRow], other: str) -> Table:
    data = [
        [
            _p(f"{row.title} ({row.area})", "cell", generated=row.generated),
            _p(row.status, "cell"),
            _p(row.other_school or "—", "cell"),
            _p(row.days_given or "—", "cell"),
            _p(row.benefit or "—", "cell"),
            _p(" ".join(row.impact) or "—", "cell"),
        ]
        for row in rows
    ]
    header = ["Request", "Status", other, "Time given", "Felt benefit", "What changed (measured)"]
    return _table(header, data, [0.2, 0.1, 0.15, 0.09, 0.2, 0.26])


def _support(profile: Profile) -> list[Flowable]:
    story: list[Flowable] = [_p("Support received and given", "h2")]
    story.append(_p("Help it asked for", "h3"))
    if profile.support_asked:
        story.append(_support_table(profile.support_asked, "Helped by"))
    else:
        story.append(_p("No request you can see.", "muted"))
    story.append(_p("Help it gave", "h3"))
    if profile.support_given:
        story.append(_support_table(profile.support_given, "Helped"))
    else:
        story.append(_p("No support you can see.", "muted"))
    story.append(
        _p(
            "What changed is the school's change in the area against its family's over the same years: what "
            "changed alongside the support, not proof that the support caused it.",
            "muted",
        )
    )
    return story


def _risk(profile: Profile) -> list[Flowable]:
    risk = profile.risk
    if risk is None:
        return []
    story: list[Flowable] = [_p("Early warning", "h2")]
    story.append(
        _p(
            "Seen only by the school's own people and those who see it in full. A score is a prompt for a "
            "conversation and an offer of help, never a judgement.",
            "muted",
        )
    )
    if risk.score:
        story.append(
            _p(
                f"Risk score {risk.score} ({risk.band}): the chance that {risk.outcome}, as at {risk.as_of}. "
                f"{risk.standing}",
                generated=risk.generated,
            )
        )
    else:
        story.append(_p(risk.standing, generated=risk.generated))
    if risk.reasons:
        story += [_p("What pushed it up or down", "h3"), _bullets(risk.reasons)]
    if risk.triggers:
        story += [_p("Triggers that fired", "h3"), _bullets(risk.triggers)]
    story.append(_p("The school's response", "h3"))
    if risk.responses:
        story.append(_bullets([f"{text} ({day})" for day, text in risk.responses]))
    else:
        story.append(_p("No response yet.", "muted"))
    return [KeepTogether(story[:3]), *story[3:]]


def _footer_canvas(profile: Profile) -> type[Canvas]:
    """A canvas that holds every page until the end, so that each can say "page n of N"."""
    footer = f"Generated on {dateformat.format(profile.generated_on, 'j F Y')} from {PLATFORM}"
    running = f"{profile.school.name} · School improvement profile"

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.setFillColor(MUTED)
                self.drawString(MARGIN, 10 * mm, footer)
                self.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {number} of {total}")
                if number > 1:
                    self.drawString(MARGIN, A4[1] - 10 * mm, running)
                super().showPage()
            super().save()

    return FooterCanvas


def render_profile_pdf(profile: Profile) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{profile.school.name}: school improvement profile",
        author=PLATFORM,
        subject="School improvement profile",
        creator=PLATFORM,
    )
    story = [
        *_title_block(profile),
        *_facts(profile),
        *_benchmarks(profile),
        *_strengths(profile),
        *_trends(profile),
        *_support(profile),
        *_risk(profile),
    ]
    document.build(story, canvasmaker=_footer_canvas(profile))
    return buffer.getvalue()
