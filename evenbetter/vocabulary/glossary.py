"""The words the platform uses, in plain English: the glossary page draws them, and
``{% term "percentile" %}`` (``web/templatetags/glossary.py``, a tag library every template may load, as ``evenbetter``) links a word on any page to
its definition. A term is found by its ``slug`` (the glossary page's anchor)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str
    example: str = ""


GLOSSARY: tuple[Term, ...] = (
    Term(
        "family",
        "Family of similar schools",
        "The 30 schools most like yours in the things a school cannot choose: its phase, how many pupils it has, "
        "and how many of them are eligible for free school meals or have special educational needs. Comparing "
        "with a family is fairer than comparing with every school.",
        "A small rural primary is compared with other small rural primaries, not with a large city school.",
    ),
    Term(
        "benchmark",
        "Benchmark",
        "Where a school's figure sits against its family of similar schools: in the bottom quarter, the middle "
        "half or the top quarter.",
    ),
    Term(
        "middle-half",
        "Middle half",
        "The range that holds the middle half of the family's schools: a quarter of the schools are below it and "
        "a quarter above it.",
    ),
    Term(
        "percentile",
        "Percentile",
        "Where a figure stands out of 100 when the schools are put in order, worst to best. The 75th percentile is "
        "the point three quarters of the way up: a school there does better than three schools in four.",
        "A school at the 90th percentile for attendance has better attendance than 9 in 10 of its family.",
    ),
    Term(
        "even-better-target",
        "Even-better target",
        "The figure that the best quarter of a school's family already reach (the 75th percentile of the family). "
        "It shows what is possible for a school like yours, because similar schools do it now.",
    ),
    Term(
        "strength",
        "Strength and area to develop",
        "A strength is an area where the school is in the top quarter of its family in the latest year and in two "
        "of the last three years. An area to develop is one where it is in the bottom quarter in the same way.",
    ),
    Term(
        "indicator",
        "Indicator",
        "One measured figure about a school for one year, such as the share of pupils reaching the expected "
        "standard in reading, writing and maths, or the share of sessions missed.",
    ),
    Term(
        "early-warning",
        "Early warning",
        "A prompt to talk and to offer help before results fall. It reads the leading indicators of every school "
        "and estimates the chance of a fall; it is never a judgement of a school.",
    ),
    Term(
        "early-warning-band",
        "Early warning band",
        "The early warning in three words: high, raised or usual. High and raised mean that the chance of a fall "
        "is higher than for most schools, and that a conversation may help.",
    ),
    Term(
        "risk-score",
        "Risk score",
        "The estimated chance, as a percentage, that a school's results or inspection grade fall in the next year. "
        "It comes with the reasons that pushed it up or down, and the school can answer it.",
    ),
    Term(
        "leading-indicator",
        "Leading indicator",
        "Something that changes before results do and may warn of trouble ahead: a school cut off from others, "
        "staff leaving or off sick, a governing board that does not ask questions, a partnership that meets "
        "without acting, data that cannot be trusted.",
    ),
    Term(
        "lagging-indicator",
        "Lagging indicator (symptom)",
        "Something that shows trouble once it has happened, such as falling results or a weaker inspection grade.",
    ),
    Term(
        "trigger",
        "Trigger",
        "A simple rule that fires when a leading indicator crosses a line that has been agreed, such as no contact "
        "with another school for two terms.",
    ),
    Term(
        "watch-list",
        "Watch list",
        "The schools with a high or raised early warning, for the system and partnership leads who can offer help. "
        "Each school sees its own place on it and can answer.",
    ),
    Term(
        "confidence",
        "Confidence",
        "How much a figure can be trusted: how many schools or pupils it rests on, and how complete and checked the "
        "data is. A figure from a handful of pupils can move a lot from one year to the next by chance.",
    ),
    Term(
        "brokerage",
        "Brokerage",
        "Matching a school that asks for help with a school that is strong where help is needed, and seeing the "
        "support through: suggested, agreed by both schools, time given, reviewed and closed.",
    ),
    Term(
        "broker",
        "Broker",
        "The person who matches a request for help with a school that can help: a system lead, or the partnership "
        "lead of the school that asked.",
    ),
    Term(
        "locality",
        "Locality",
        "An agreed place, such as a town or district, whose schools, partnerships and agencies work together.",
    ),
    Term(
        "partnership",
        "Partnership",
        "A group of schools that have agreed to work together, such as a cluster or a trust.",
    ),
    Term(
        "generated",
        "Generated record",
        "A record made up for the demonstration where no public data exists (local partnership and workforce "
        "records). It is always marked as generated.",
    ),
    Term(
        "pulse-survey",
        "Pulse survey",
        "A few short questions a school asks its pupils, their parents and carers, or its staff, answered "
        "anonymously through a link or a QR code. Results are shown only once at least 10 people have answered.",
    ),
    Term(
        "share-agreeing",
        "Share agreeing",
        "Of everyone who answered a pulse-survey question, the share who chose one of the two most positive "
        'answers (such as "strongly agree" or "agree").',
        'If 12 pupils answer and 8 say "Yes, a lot" or "Yes, a bit", the share agreeing is 66.7%.',
    ),
)

TERMS: dict[str, Term] = {term.slug: term for term in GLOSSARY}
