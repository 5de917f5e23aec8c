"""One meaning of "strong in an area": the school page, matching and the evidence beside
shared practice say the same thing about the same school and area."""

from __future__ import annotations

import datetime as dt

from evenbetter.accounts.models import User
from evenbetter.benchmarks.models import Benchmark
from evenbetter.benchmarks.selectors import school_strengths, strong_in_area
from evenbetter.indicators.models import ImportRun
from evenbetter.practice.evidence import evidence_for
from evenbetter.practice.models import ItemArea, PracticeItem
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from evenbetter.support.services import candidates_for
from tests.benchmarks.conftest import build_benchmarked

READING = "ks2_readprog"


def _says_strong(user: User, schools: list[School]) -> dict[str, dict[int, bool]]:
    page = {
        s.pk: any(line.indicator.code == READING for line in school_strengths(user=user, school=s).strengths)
        for s in schools
    }
    candidates = candidates_for(HelpRequest(school=schools[0], area="reading")).set_index("school_id")
    matching = {s.pk: bool(candidates.loc[s.pk, "strong_in_area"]) for s in schools}
    practice = {}
    for s in schools:
        item = PracticeItem.objects.create(kind="idea", title=f"Reading at {s.name}", summary="-", body="-")
        item.schools.set([s])
        ItemArea.objects.create(item=item, area="reading")
        practice[s.pk] = bool(evidence_for(item))
    return {"school page": page, "matching": matching, "practice evidence": practice}


def test_the_school_page_matching_and_practice_evidence_agree(register: ImportRun, system_lead: User) -> None:
    build_benchmarked(shifts={2016: -4, 2017: -2, 2018: 0}, reading={"code": READING, "name": "Reading progress"})
    primaries = list(School.objects.filter(benchmarks__indicator__code=READING).distinct().order_by("urn"))
    # One good year: the latest in the top quarter after two in the bottom half. The top
    # half in the latest year (the old evidence rule) or the top quarter in the latest
    # year (the old matching words) would call these strong; the one rule does not.
    lucky, middling = primaries[0], primaries[1]
    Benchmark.objects.filter(school=lucky, period_start__lt=dt.date(2018, 9, 1)).update(family_percentile=30.0)
    Benchmark.objects.filter(school=lucky, period_start=dt.date(2018, 9, 1)).update(family_percentile=90.0)
    Benchmark.objects.filter(school=middling).update(family_percentile=60.0)

    said = _says_strong(system_lead, primaries)
    assert said["matching"] == said["school page"], "matching disagrees with the school page"
    assert said["practice evidence"] == said["school page"], "practice evidence disagrees with the school page"
    strong = {pk for pk, is_strong in said["school page"].items() if is_strong}
    assert strong and strong != {s.pk for s in primaries}, "the test needs strong schools and others"
    assert lucky.pk not in strong and middling.pk not in strong
    assert set(strong_in_area(area="reading")["school_id"]) == strong


def test_an_area_without_indicators_has_no_strong_schools(register: ImportRun) -> None:
    build_benchmarked(shifts={2017: 0, 2018: 0}, reading={"code": READING})
    assert not strong_in_area(area="reading").empty
    assert strong_in_area(area="governance").empty
