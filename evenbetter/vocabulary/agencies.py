"""The kinds of partner agency and local-authority service that work with schools.

One list, used by the agencies' register (``partnerships.Agency.kind``), the forms that
add them, and the pages that name them. The local-authority services a school asks for
help from (early help, educational psychology, attendance, SEND, school nursing, police
liaison) are kinds like the others: a request can be addressed to any agency.
"""

from __future__ import annotations

AGENCY_KINDS: list[tuple[str, str]] = [
    ("police", "Police"),
    ("police_liaison", "Police liaison (safer schools)"),
    ("health", "Health"),
    ("school_nursing", "School nursing"),
    ("social_care", "Social care"),
    ("early_help", "Early help"),
    ("educational_psychology", "Educational psychology"),
    ("attendance", "Attendance service"),
    ("send", "SEND service"),
    ("voluntary", "Voluntary sector"),
    ("other", "Other"),
]
AGENCY_KIND_NAMES: dict[str, str] = dict(AGENCY_KINDS)

# The local authority's own services, as against police, health and the voluntary sector.
LOCAL_AUTHORITY_SERVICES: frozenset[str] = frozenset(
    {"early_help", "educational_psychology", "attendance", "send", "school_nursing", "police_liaison"}
)
