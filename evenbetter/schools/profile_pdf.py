"""The school improvement profile as a PDF (A4), drawn with reportlab from ``profile_of``'s
``Profile``: the same words as the HTML page, laid out for paper. The register draws the
heading; each section draws itself (``ProfileSection.pdf_flowables``) with the helpers here
(``para``, ``table``, ``bullets``).

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
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.flowables import Flowable

from evenbetter.schools.profile import Profile, ProfileSection

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


def para(text: str, style: str = "body", *, generated: bool = False) -> Paragraph:
    return Paragraph(escape(text) + (GENERATED if generated else ""), STYLES[style])


def table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    """A table whose heading row repeats on every page it runs onto; rows never split."""
    data = [[para(h, "head") for h in header], *rows]
    drawn = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1, hAlign="LEFT")
    drawn.setStyle(
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
    return drawn


def bullets(lines: list[str]) -> ListFlowable:
    return ListFlowable(
        [ListItem(para(line), leftIndent=10, value="•") for line in lines],
        bulletType="bullet",
        start="•",
        leftIndent=10,
    )


def _title_block(profile: Profile) -> list[Flowable]:
    school = profile.school
    place = " · ".join(
        part for part in (f"URN {school.urn}" if school.urn else "", school.la_name, school.phase) if part
    )
    story: list[Flowable] = [
        para("School improvement profile", "kicker"),
        para(school.name, "title"),
        para(place, "muted"),
        Spacer(1, 3 * mm),
        para(
            f"This copy shows {profile.reader_sees}. Generated on {dateformat.format(profile.generated_on, 'j F Y')}."
        ),
    ]
    if profile.has_generated:
        story.append(para("Records marked (generated) are made up for the demo: they are not real.", "muted"))
    return story


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
    story = _title_block(profile)
    for shown in profile.sections:
        if isinstance(shown.panel, ProfileSection):
            story += shown.panel.pdf_flowables(shown.context["section"])
    document.build(story, canvasmaker=_footer_canvas(profile))
    return buffer.getvalue()
