"""The school improvement profile: one school, printable, for governors and school leaders.

The profile is a page of panels (``evenbetter.pages``, page "profile"): the register draws
its heading, and each app registers its own sections from its ``panels.py`` as
``ProfileSection`` subclasses (the school's facts and trends from indicators, benchmarks
and strengths from benchmarks, support from support, the early warning from earlywarning).
Each section computes its data once, through the same scoped selectors as the school page;
the HTML page (``schools/profile.html``, each section's own template) and the PDF
(``profile_pdf.py``, each section's ``pdf_flowables``) only lay that data out, so the two
always say the same. Every figure is already in words in the data, never formatted twice.

What a reader sees follows who they are: anyone who may open the school's page may open
its profile; each section decides what this reader sees of it (``is_shown`` and its
selectors), and the early-warning section's read of the risk is audited where it is made.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.http import HttpRequest
from django.utils import dateformat, timezone

from evenbetter.pages.registry import Panel, ShownPanel, panels_for
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School

if TYPE_CHECKING:
    from reportlab.platypus.flowables import Flowable

PAGE = "profile"
DASH = "—"

READER_SEES = {
    SchoolAccess.FULL: "the school in full: its local records and its early-warning score included",
    SchoolAccess.GOVERNOR: "the school as its governors do: its local records and its early-warning score included",
    SchoolAccess.STAFF: "the school as its staff do: its local records, not its early-warning score",
    SchoolAccess.AGENCY: "what a partner agency working with the school sees: its public data",
    SchoolAccess.PUBLIC: "the school's public data, as any school leader does",
}


def day_words(day: dt.date | dt.datetime) -> str:
    return dateformat.format(day, "j F Y")


class SectionData(Protocol):
    """What every section's data says about itself: whether any of it was made up for the demo."""

    @property
    def has_generated(self) -> bool: ...


class ProfileSection(Panel, ABC):
    """One section of the profile. ``section`` computes its data once; the section's
    template draws it as ``section``, and ``pdf_flowables`` draws the same data for the PDF."""

    page: ClassVar[str] = PAGE
    key: ClassVar[str] = ""

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"section": self.section(request, subject)}

    @abstractmethod
    def section(self, request: HttpRequest, school: School) -> SectionData: ...

    @abstractmethod
    def pdf_flowables(self, section: Any) -> list[Flowable]: ...


@dataclass(frozen=True)
class Profile:
    school: School
    access: SchoolAccess
    reader_sees: str
    generated_on: dt.date
    sections: list[ShownPanel]

    def section(self, key: str) -> Any:
        """The data of the section with this key, or None when the reader does not see it."""
        for shown in self.sections:
            if isinstance(shown.panel, ProfileSection) and shown.panel.key == key:
                return shown.context["section"]
        return None

    @property
    def has_generated(self) -> bool:
        return any(shown.context["section"].has_generated for shown in self.sections)


def profile_of(request: HttpRequest, school: School) -> Profile:
    """The profile as the request's reader may read it. The views refuse a reader who may not
    open the school (``school_access`` NONE); should one get here, the profile is empty."""
    access = school_access(request.user, school)
    if access == SchoolAccess.NONE:
        return Profile(school, access, "", timezone.localdate(), [])
    return Profile(
        school=school,
        access=access,
        reader_sees=READER_SEES[access],
        generated_on=timezone.localdate(),
        sections=panels_for(PAGE, request, school),
    )
