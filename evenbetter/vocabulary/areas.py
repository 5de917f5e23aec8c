"""The areas of school life that challenge, help requests and practice are about, and the
published indicators that say how strong a school is in each.

An area with no indicators here is matched on context, distance and capacity alone, and
no school is called "strong" in it from data.
"""

from __future__ import annotations

AREAS: list[tuple[str, str]] = [
    ("reading", "Early reading and phonics"),
    ("writing", "Writing"),
    ("maths", "Maths"),
    ("curriculum", "Curriculum"),
    ("attendance", "Attendance"),
    ("behaviour", "Behaviour"),
    ("send", "SEND"),
    ("disadvantage", "Disadvantaged pupils"),
    ("safeguarding", "Safeguarding"),
    ("wellbeing", "Pupil wellbeing"),
    ("staffing", "Staffing and recruitment"),
    ("finance", "Finance"),
    ("leadership", "Leadership"),
    ("governance", "Governance"),
]
AREA_NAMES: dict[str, str] = dict(AREAS)

AREA_INDICATORS: dict[str, tuple[str, ...]] = {
    "reading": ("ks2_readprog", "ks2_read_average", "ks2_ptread_exp"),
    "writing": ("ks2_writprog", "ks2_ptwritta_exp"),
    "maths": ("ks2_matprog", "ks2_mat_average", "ks2_ptmat_exp", "ks4_progress8"),
    "curriculum": ("ks2_ptrwm_exp", "ks4_attainment8", "ks4_ebacc_aps"),
    "attendance": ("absence_overall", "absence_persistent"),
    "disadvantage": ("ks2_ptrwm_exp_fsm6cla1a", "ks2_readprog_fsm6cla1a", "ks2_matprog_fsm6cla1a"),
}


def areas_of_indicator(code: str) -> list[str]:
    """The areas an indicator speaks for (most speak for none, a few for one)."""
    return [area for area, codes in AREA_INDICATORS.items() if code in codes]
