"""Staff survey results, as a survey tool exports them: one row per response.

A survey tool (Microsoft Forms, Google Forms, SurveyMonkey, Smart Survey …) exports a
CSV or Excel file with one row per person who answered, a column naming their school,
and one column per question. This format turns the responses into three school-level
indicators, the share of staff who agree or strongly agree that:

- ``survey_trust``: they trust leaders and colleagues ("trust" in the question);
- ``survey_shared_values``: they share the school's values ("values");
- ``survey_raise_problems``: they can raise problems or concerns ("raise", "speak up",
  "concern" or "problem").

Questions are found by those words in their header; the school column is ``URN`` (or
``School URN``, ``school_id``). Answers may be words (strongly agree … strongly disagree;
"neither agree nor disagree", "don't know" and blanks count as not answering agree) or
numbers 1–5 (5 = strongly agree). A school with fewer than five answers to a question is
kept as *suppressed*, never as a figure: staff must not be identifiable (DESIGN.md
principle 4: only school-level data is kept; the responses themselves are not stored).
Needs ``period`` (the academic year the survey belongs to).
"""

from __future__ import annotations

import re
from functools import partial

from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import (
    CommitCounts,
    StagedObservation,
    catalogue_sync,
    local_definition,
    observations_write,
)
from evenbetter.ingest.registry import SourceFormat, Staged, register
from evenbetter.ingest.values import as_urn
from evenbetter.ingest.xlsxfile import read_table
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import parse_period

SURVEY_SOURCE = "Staff survey"


_survey = partial(local_definition, source=SURVEY_SOURCE)


HIGHER, D, C = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Domain, Indicator.Comparison
# Kept here, with the format that reads them; partnership life puts them in the catalogue too.
SURVEY_INDICATORS = [
    _survey("survey_trust", "Staff who trust leaders and colleagues", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", headline=True, maximum=100),
    _survey("survey_shared_values", "Staff who share the school's values", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", maximum=100),
    _survey("survey_raise_problems", "Staff who feel able to raise problems", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", headline=True, maximum=100),
]  # fmt: skip

MIN_ANSWERS = 5
SCHOOL_COLUMNS = ("urn", "school urn", "school_id", "school id")
QUESTIONS = {
    "survey_trust": re.compile(r"\btrust", re.IGNORECASE),
    "survey_shared_values": re.compile(r"\bvalues?\b", re.IGNORECASE),
    "survey_raise_problems": re.compile(r"\braise\b|speak up|\bconcerns?\b|\bproblems?\b", re.IGNORECASE),
}
AGREE = {"strongly agree", "agree", "4", "5"}
NOT_AGREE = {
    "strongly disagree", "disagree", "neither agree nor disagree", "neither", "neutral", "don't know",
    "dont know", "not sure", "prefer not to say", "1", "2", "3",
}  # fmt: skip


@register
class StaffSurvey(SourceFormat):
    code = "staff_survey"
    name = "Staff survey responses from a survey tool (CSV or Excel), one row per response"
    description = (
        "Trust, shared values and willingness to raise problems: the share of staff agreeing, per school "
        "(fewer than five answers kept as suppressed)."
    )

    def parse(self, content: bytes, file_name: str) -> Staged:
        period = str(self.options.get("period") or "").strip()
        try:
            period_text, period_start = parse_period(period)
        except ValueError:
            raise ImportRejected(
                [Problem(file_name, None, None, "give the academic year the survey belongs to, e.g. 2018/19")]
            ) from None
        table = read_table(content, file_name)
        lowered = {h.strip().lower(): h for h in table.header}
        school_column = next((lowered[c] for c in SCHOOL_COLUMNS if c in lowered), None)
        if school_column is None:
            raise ImportRejected([Problem(file_name, 1, None, "no column names the school: call it URN")])
        questions: dict[str, str] = {}
        for code, pattern in QUESTIONS.items():
            header = next((h for h in table.header if h != school_column and pattern.search(h)), None)
            if header is not None and header not in questions.values():
                questions[code] = header
        if not questions:
            raise ImportRejected(
                [
                    Problem(
                        file_name,
                        1,
                        None,
                        'no question about trust, values or raising problems was found: their headers must say "trust", '
                        '"values" or "raise"',
                    )
                ]
            )
        problems: list[Problem] = []
        urns = {row.values[school_column].strip() for row in table.rows}
        known = dict(
            School.objects.filter(urn__in=[u for u in map(as_urn, urns) if u is not None]).values_list("urn", "pk")
        )
        tallies: dict[tuple[int, str], list[int]] = {}
        for row in table.rows:
            raw_urn = row.values[school_column].strip()
            urn = as_urn(raw_urn)
            if urn is None or urn not in known:
                problems.append(
                    Problem(file_name, row.line, school_column, f'"{raw_urn}" is not the URN of a school held')
                )
                continue
            school_id = known[urn]
            for code, header in questions.items():
                answer = re.sub(r"\s+", " ", row.values.get(header, "")).strip().lower().replace("’", "'")
                if not answer:
                    continue
                if answer not in AGREE and answer not in NOT_AGREE:
                    problems.append(
                        Problem(
                            file_name,
                            row.line,
                            header,
                            f'"{answer}" is not an answer this format knows (agree … disagree, or 1–5)',
                        )
                    )
                    continue
                tally = tallies.setdefault((school_id, code), [0, 0])
                tally[0] += answer in AGREE
                tally[1] += 1
        records = []
        for (school_id, code), (agree, answered) in sorted(tallies.items()):
            if answered < MIN_ANSWERS:
                records.append(
                    StagedObservation(
                        school_id, code, period_text, period_start, None, Observation.Status.SUPPRESSED, False, 0, code
                    )
                )
            else:
                value = round(100.0 * agree / answered, 1)
                records.append(
                    StagedObservation(
                        school_id, code, period_text, period_start, value, Observation.Status.VALUE, False, 0, code
                    )
                )
        unknown_schools = sum(1 for p in problems if p.column == school_column)
        return Staged(
            records=records,
            rows_read=len(table.rows),
            problems=problems,
            rows_accepted=len(table.rows) - unknown_schools,
        )

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        return observations_write(staged.records, catalogue_sync(SURVEY_INDICATORS), run)
