"""The pulse-survey library: who is asked (audiences), what (questions, worded for each
audience), how they answer (an agree scale), and the one rule for what may be shown (at
least ``MIN_ANSWERS`` answers, else suppressed).

Every wording carries a language code, so a translation is one more ``Wording`` of the
same question and audience; a survey asks in its language and falls back to English.
Results are kept as indicators (``evenbetter/voice/indicators.py``) under the codes
``indicator_code(group, question)`` and ``answers_code(group)``.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = "en"
# Fewer answers than this and a result is suppressed: kept as suppressed, never shown
# (DESIGN.md principle 4: pulse-survey results only as school-level results of at least ten).
MIN_ANSWERS = 10


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    agrees: bool  # counted in "the share agreeing"


FIVE_POINT = (
    Choice("strongly_agree", "Strongly agree", True),
    Choice("agree", "Agree", True),
    Choice("neither", "Neither agree nor disagree", False),
    Choice("disagree", "Disagree", False),
    Choice("strongly_disagree", "Strongly disagree", False),
)
# Younger children answer four plain choices; the first two count as agreeing.
FOUR_POINT = (
    Choice("yes_a_lot", "Yes, a lot", True),
    Choice("yes_a_bit", "Yes, a bit", True),
    Choice("not_really", "Not really", False),
    Choice("no", "No", False),
)


@dataclass(frozen=True)
class Audience:
    code: str
    name: str
    # Audiences of one group are kept as the same indicators (primary and secondary pupils
    # answer the same questions in words for their age).
    group: str
    scale: tuple[Choice, ...]


AUDIENCES = (
    Audience("pupils-primary", "Pupils (primary)", "pupils", FOUR_POINT),
    Audience("pupils-secondary", "Pupils (secondary)", "pupils", FIVE_POINT),
    Audience("parents-carers", "Parents and carers", "parents", FIVE_POINT),
    Audience("staff", "Staff", "staff", FIVE_POINT),
)
AUDIENCE_BY_CODE = {audience.code: audience for audience in AUDIENCES}
GROUP_NAMES = {"pupils": "pupils", "parents": "parents and carers", "staff": "staff"}


@dataclass(frozen=True)
class Wording:
    audience: str
    language: str
    text: str


@dataclass(frozen=True)
class Question:
    code: str
    name: str  # the indicator's name, said of the group: "who feel happy at school"
    wordings: tuple[Wording, ...]

    def audiences(self) -> list[str]:
        return sorted({w.audience for w in self.wordings})

    def wording(self, audience: str, language: str = ENGLISH) -> str:
        """The question as ``audience`` reads it, in ``language`` when translated, else in English."""
        found = {w.language: w.text for w in self.wordings if w.audience == audience}
        return found.get(language) or found[ENGLISH]


def _en(**by_audience: str) -> tuple[Wording, ...]:
    return tuple(Wording(audience.replace("_", "-"), ENGLISH, text) for audience, text in by_audience.items())


QUESTIONS = (
    Question(
        "happy",
        "feel happy at school",
        _en(
            pupils_primary="I feel happy at school.",
            pupils_secondary="I am happy at this school.",
            parents_carers="My child is happy at this school.",
        ),
    ),
    Question(
        "healthy",
        "feel the school helps them stay healthy",
        _en(
            pupils_primary="My school helps me to be healthy.",
            pupils_secondary="This school helps me look after my physical and mental health.",
            parents_carers="The school helps my child to be healthy, in body and mind.",
        ),
    ),
    Question(
        "safe",
        "feel safe at school",
        _en(
            pupils_primary="I feel safe at school.",
            pupils_secondary="I feel safe at this school.",
            parents_carers="My child feels safe at this school.",
        ),
    ),
    Question(
        "belonging",
        "feel they belong at school",
        _en(
            pupils_primary="I feel I belong at my school.",
            pupils_secondary="I feel I belong at this school.",
            parents_carers="My child feels they belong at this school.",
        ),
    ),
    Question(
        "listened_to",
        "feel listened to",
        _en(
            pupils_primary="Grown-ups at school listen to me.",
            pupils_secondary="Staff listen to what I have to say.",
            parents_carers="The school listens to what I have to say.",
        ),
    ),
    Question("trust", "trust leaders and colleagues", _en(staff="I trust the leaders and my colleagues here.")),
    Question("shared_values", "share the school's values", _en(staff="I share the values of this school.")),
    Question(
        "raise_problems",
        "feel able to raise problems",
        _en(staff="I can raise a problem or a concern and know it will be taken seriously."),
    ),
    Question("workload", "find their workload manageable", _en(staff="My workload is manageable.")),
)
QUESTION_BY_CODE = {question.code: question for question in QUESTIONS}


def questions_for(audience: str) -> list[Question]:
    """The library's questions for one audience, in the library's order."""
    return [question for question in QUESTIONS if audience in question.audiences()]


def groups() -> list[str]:
    return list(dict.fromkeys(audience.group for audience in AUDIENCES))


def questions_of_group(group: str) -> list[Question]:
    """Every question some audience of the group is asked."""
    codes = {q.code for a in AUDIENCES if a.group == group for q in questions_for(a.code)}
    return [question for question in QUESTIONS if question.code in codes]


def indicator_code(group: str, question: str) -> str:
    """The indicator that keeps the share of a group agreeing with a question: ``pulse_pupils_happy``."""
    return f"pulse_{group}_{question}"


def answers_code(group: str) -> str:
    """The indicator that keeps how many of a group answered (the results' cohort): ``pulse_staff_answers``."""
    return f"pulse_{group}_answers"


def all_indicator_codes() -> list[str]:
    """Every indicator the pulse surveys keep (for goals, triggers and the data dictionary)."""
    codes = []
    for group in groups():
        codes += [indicator_code(group, q.code) for q in questions_of_group(group)] + [answers_code(group)]
    return codes


@dataclass(frozen=True)
class Result:
    """One question's answers at one school: the share agreeing, or nothing when too few answered."""

    answered: int
    agreeing: int

    @property
    def suppressed(self) -> bool:
        return self.answered < MIN_ANSWERS

    @property
    def share_agreeing(self) -> float | None:
        """The share agreeing (%, one decimal), or None below ``MIN_ANSWERS`` answers: the only way
        any page, export or indicator reads a result."""
        if self.suppressed:
            return None
        return round(100.0 * self.agreeing / self.answered, 1)

    def __add__(self, other: Result) -> Result:
        return Result(self.answered + other.answered, self.agreeing + other.agreeing)


def tally(answers: list[dict[str, str]], question: str, audience: str) -> Result:
    """One question's result over answers (each question code to a choice code) of one audience."""
    agreeing_codes = {c.code for c in AUDIENCE_BY_CODE[audience].scale if c.agrees}
    given = [answer[question] for answer in answers if question in answer]
    return Result(answered=len(given), agreeing=sum(choice in agreeing_codes for choice in given))
