"""Inspection grades (Ofsted's overall effectiveness, 1 best .. 4 worst), their names, and
every way sources write them."""

from __future__ import annotations

# Serious weaknesses and special measures are the two categories of "Inadequate".
OFSTED_GRADES: dict[str, int] = {
    "outstanding": 1,
    "good": 2,
    "requires improvement": 3,
    "satisfactory": 3,  # the grade "requires improvement" replaced in 2012
    "inadequate": 4,
    "serious weaknesses": 4,
    "special measures": 4,
}
GRADE_NAMES: dict[int, str] = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
# The same names keyed by the text an indicator's value labels use ({"1": "Outstanding", …}).
OFSTED_LABELS: dict[str, str] = {str(grade): name for grade, name in GRADE_NAMES.items()}
# How the register writes a school's latest rating, best first: the two categories of
# "Inadequate" appear by their own names there.
REGISTER_RATINGS: list[str] = [
    GRADE_NAMES[1],
    GRADE_NAMES[2],
    GRADE_NAMES[3],
    "Serious Weaknesses",
    "Special Measures",
    GRADE_NAMES[4],
]
# Below this grade a school is "below Good" (the early warning's outcome).
GOOD = 2


def grade_name(grade: int | None) -> str:
    """The name of a grade, or "not graded" for none."""
    return GRADE_NAMES.get(grade, "not graded") if grade is not None else "not graded"


def ofsted_grade(label: str) -> int | None:
    """1-4 for a grade's name in any case; None for a blank; ValueError for anything else."""
    text = label.strip().lower()
    if not text:
        return None
    try:
        return OFSTED_GRADES[text]
    except KeyError:
        raise ValueError(f'"{label.strip()}" is not an Ofsted grade') from None
