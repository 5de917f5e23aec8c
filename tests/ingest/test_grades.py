"""Ofsted grade names, as sources write them (no database)."""

from __future__ import annotations

import pytest

from evenbetter.vocabulary.grades import ofsted_grade


@pytest.mark.parametrize(
    ("label", "grade"),
    [
        ("Outstanding", 1),
        ("good", 2),
        ("Requires improvement", 3),
        ("Serious Weaknesses", 4),
        ("Special Measures", 4),
        ("", None),
    ],
)
def test_grade_names(label: str, grade: int | None) -> None:
    assert ofsted_grade(label) == grade


def test_an_unknown_grade_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="Excellent"):
        ofsted_grade("Excellent")
