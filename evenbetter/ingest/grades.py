"""Ofsted's overall effectiveness grades, as every source writes them."""

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
OFSTED_LABELS = {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}


def ofsted_grade(label: str) -> int | None:
    """1-4 for a grade's name in any case; None for a blank; ValueError for anything else."""
    text = label.strip().lower()
    if not text:
        return None
    try:
        return OFSTED_GRADES[text]
    except KeyError:
        raise ValueError(f'"{label.strip()}" is not an Ofsted grade') from None
