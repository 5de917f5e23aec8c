"""Practice measured, not only reported: each try's results against its family, pooled over
the schools that tried the item and checked by hand; "not measured yet" until results after
the start are in; the library sorted by evidence; a start that cannot be right refused."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.benchmarks.models import FamilyMember
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.practice import services
from evenbetter.practice.measured import years_of
from evenbetter.practice.models import ItemEvidence, PooledResult, PracticeItem, Tried, TriedResult, Verdict
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

# Student's t, 95th percentile, 4 degrees of freedom (a 90% two-sided interval).
T_95_4DF = 2.1318467863266495


def _value(school: School, indicator: Indicator, year: int, value: float) -> None:
    Observation.objects.create(
        school=school, indicator=indicator, period=f"{year}/{(year + 1) % 100:02d}",
        period_start=dt.date(year, 9, 1), value=value,
    )  # fmt: skip


def _family(school: School, members: list[School]) -> None:
    for rank, member in enumerate(members, start=1):
        FamilyMember.objects.create(school=school, member=member, rank=rank, distance=rank / 10, weight_share=1)


@pytest.fixture
def reading(register: object) -> Indicator:
    return Indicator.objects.create(
        code="ks2_readprog", name="Reading progress", unit="score", direction="higher", domain="outcomes",
        comparison="score",
    )  # fmt: skip


@pytest.fixture
def item(school_a: School, school_leader_a: User) -> PracticeItem:
    return services.item_create(
        author=school_leader_a, schools=[school_a], kind="activity", title="Phonics catch-up", phase="primary",
        summary="Ten minutes a day.", body="Small groups every afternoon.", areas=["reading"],
    )  # fmt: skip


def _try(item: PracticeItem, school: School, started_on: dt.date, by: User) -> Tried:
    return services.tried_record(item=item, school=school, author=by, outcome="worked", note="", started_on=started_on)


@pytest.fixture
def two_schools_tried(
    reading: Indicator, item: PracticeItem, school_a: School, school_b: School, school_leader_b: User
) -> tuple[School, School]:
    """Schools B and C tried the item (shared by school A), both from autumn 2017: their
    reading progress and their families' as in the hand calculation of
    ``tests/analytics/test_pooled_impact.py``."""
    school_c, *others = School.objects.exclude(pk__in=[school_a.pk, school_b.pk]).order_by("urn")[:9]
    # Eight other schools at 10 in 2016/17, risen by 0, 1, 2, 3, 1, 2, 3, 4 in 2017/18.
    for member, rise in zip(others, [0, 1, 2, 3, 1, 2, 3, 4], strict=True):
        _value(member, reading, 2016, 10.0)
        _value(member, reading, 2017, 10.0 + rise)
    for school, before, after in ((school_a, 10.0, -10.0), (school_b, 0.0, 6.0), (school_c, 0.0, 3.0)):
        _value(school, reading, 2016, before)
        _value(school, reading, 2017, after)
    _value(school_b, reading, 2015, -50.0)  # an earlier year that must not be read as "before"
    # B's family rose 1, 2, 3, 1, 2, 3 (mean 2), and school A, which shared the item, fell by
    # 20: left out. C's family rose 0, 1, 2, 3, 4 (mean 2), and B, which tried it too: left out.
    _family(school_b, [*others[1:7], school_a])
    _family(school_c, [*others[0:4], others[7], school_b])
    _try(item, school_b, dt.date(2017, 10, 2), school_leader_b)
    _try(item, school_c, dt.date(2017, 9, 15), school_leader_b)
    return school_b, school_c


def test_the_years_of_a_start() -> None:
    assert years_of(dt.date(2018, 1, 10)) == ("2016/17", "2017/18")
    assert years_of(dt.date(2017, 9, 1)) == ("2016/17", "2017/18")
    assert years_of(dt.date(2017, 8, 31)) == ("2015/16", "2016/17")


def test_pooled_practice_impact_against_a_hand_calculation(
    two_schools_tried: tuple[School, School], item: PracticeItem, reading: Indicator
) -> None:
    school_b, school_c = two_schools_tried
    b = TriedResult.objects.get(tried__school=school_b)
    c = TriedResult.objects.get(tried__school=school_c)
    # B: 2016/17 to 2017/18, rose 6 against 2 (A left out): effect 4 from 6 schools.
    assert (b.before_period, b.after_period, b.comparison_schools) == ("2016/17", "2017/18", 6)
    assert "alongside the practice, not proof that the practice caused it" in b.words
    assert b.effect == pytest.approx(4.0) and b.noise_sd**2 == pytest.approx(14 / 15)  # type: ignore[operator]
    # C: rose 3 against 2 (B left out): effect 1 from 5 schools, chance variance 3.
    assert c.comparison_schools == 5 and c.effect == pytest.approx(1.0) and c.noise_sd**2 == pytest.approx(3.0)  # type: ignore[operator]
    # Pooled by inverse variance: (15/14 x 4 + 1/3 x 1) / (15/14 + 1/3) = 194/59, standard
    # error sqrt(42/59), t with 4 degrees of freedom (the fewer comparison schools, 5).
    pooled = PooledResult.objects.get(item=item, indicator=reading)
    half = T_95_4DF * math.sqrt(42 / 59)
    assert (pooled.tried, pooled.schools) == (2, 2)
    assert pooled.effect == pytest.approx(194 / 59)
    assert pooled.standard_error == pytest.approx(math.sqrt(42 / 59))
    assert (pooled.low, pooled.high) == (pytest.approx(194 / 59 - half), pytest.approx(194 / 59 + half))
    assert pooled.verdict == Verdict.BETTER
    evidence = ItemEvidence.objects.get(item=item)
    assert evidence.verdict == Verdict.BETTER
    assert evidence.strength == pytest.approx((194 / 59) / math.sqrt(42 / 59))


@pytest.mark.usefixtures("two_schools_tried")  # B and C measured; a third school starts later
def test_a_try_without_results_after_its_start_is_not_measured_yet_and_not_pooled(
    item: PracticeItem,
    reading: Indicator,
    school_leader_b: User,
    client_for: Callable[[str], Client],
) -> None:
    late = School.objects.exclude(pk__in=Observation.objects.values("school_id")).order_by("urn")[0]
    _value(late, reading, 2017, 5.0)  # before a start in 2018/19; nothing after is in
    _try(item, late, dt.date(2018, 10, 1), school_leader_b)
    line = TriedResult.objects.get(tried__school=late)
    assert line.verdict == Verdict.NOT_YET and line.effect is None
    assert "not measured yet" in line.words
    pooled = PooledResult.objects.get(item=item)
    assert (pooled.tried, pooled.schools) == (3, 2)
    # The two measured schools were each left out of the other's comparison: still 194/59.
    assert pooled.effect == pytest.approx(194 / 59)
    page = client_for("governor").get(reverse("practice_detail", args=[item.pk])).content.decode()
    assert "across 2 schools of the 3 that tried it" in page
    assert "With 90% confidence the difference lies between +1.5 and +5.1" in page
    assert "not proof" in page


def test_the_page_says_not_measured_yet_until_results_after_the_start_are_in(
    reading: Indicator, item: PracticeItem, school_b: School, school_leader_b: User, client_for: Callable[[str], Client]
) -> None:
    client = client_for("school_leader_b")
    page = client.get(reverse("practice_detail", args=[item.pk])).content.decode()
    assert "Not measured yet: no school has said it tried this." in page
    _value(school_b, reading, 2023, 1.0)
    response = client.post(
        reverse("practice_action", args=[item.pk, "tried"]),
        {"school": school_b.pk, "outcome": "too_soon", "started_on": "2024-09-04"},
    )
    assert response.status_code == 302
    page = client.get(reverse("practice_detail", args=[item.pk])).content.decode()
    assert "Reading progress: not measured yet — the results from after the 1 school that tried it started" in page
    assert "confidence" not in page
    assert ItemEvidence.objects.get(item=item).verdict == Verdict.NOT_YET


def test_a_start_in_the_future_or_not_a_date_is_refused_and_changes_nothing(
    item: PracticeItem, school_b: School, client_for: Callable[[str], Client]
) -> None:
    client = client_for("school_leader_b")
    url = reverse("practice_action", args=[item.pk, "tried"])
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(url, {"school": school_b.pk, "outcome": "worked", "started_on": tomorrow}, follow=True)
    assert "Nothing was changed: The start" in response.content.decode()
    assert "is in the future" in response.content.decode()
    response = client.post(url, {"school": school_b.pk, "outcome": "worked", "started_on": "last spring"}, follow=True)
    assert "Give the day you started as a date" in response.content.decode()
    assert not Tried.objects.exists() and not TriedResult.objects.exists()


def test_the_library_sorts_by_evidence_with_not_measured_yet_last(
    two_schools_tried: tuple[School, School],
    item: PracticeItem,
    school_a: School,
    school_leader_a: User,
    client_for: Callable[[str], Client],
) -> None:
    newer = {
        title: services.item_create(
            author=school_leader_a,
            schools=[school_a],
            kind="idea",
            title=title,
            phase="primary",
            summary="S",
            body="B",
            areas=[area],
        )
        for title, area in (("Untried reading idea", "reading"), ("Governors' focus visits", "governance"))
    }
    client = client_for("school_leader_b")
    newest = client.get(reverse("practice_library")).context["page"].object_list
    assert [i.title for i in newest][-1] == "Phonics catch-up"  # oldest last
    by_evidence = client.get(reverse("practice_library"), {"order": "evidence"})
    titles = [i.title for i in by_evidence.context["page"].object_list]
    assert titles == ["Phonics catch-up", "Untried reading idea", "Governors' focus visits"]
    page = by_evidence.content.decode()
    assert "Everything, by evidence" in page
    assert "What its tries achieved: better than similar schools" in page
    assert ItemEvidence.objects.get(item=newer["Untried reading idea"]).verdict == Verdict.NOT_YET
    assert ItemEvidence.objects.get(item=newer["Governors' focus visits"]).verdict == Verdict.NO_INDICATOR


def test_the_refresh_step_measures_again_when_the_results_change(
    two_schools_tried: tuple[School, School], item: PracticeItem, reading: Indicator
) -> None:
    from evenbetter.practice.jobs import PracticeMeasuresStep

    school_b, _ = two_schools_tried
    Observation.objects.filter(school=school_b, indicator=reading, period="2017/18").update(value=-6.0)
    PracticeMeasuresStep().run()
    assert TriedResult.objects.get(tried__school=school_b).effect == pytest.approx(-8.0)
    assert PooledResult.objects.get(item=item).effect < 194 / 59  # type: ignore[operator]


@pytest.mark.usefixtures("two_schools_tried")
def test_reading_a_whole_year_at_once_measures_the_same_as_one_school_at_a_time(item: PracticeItem) -> None:
    from evenbetter.benchmarks.change import Values, ValuesByPeriod
    from evenbetter.practice.measured import measure_item

    one_at_a_time = measure_item(item, values=Values())
    whole_years = measure_item(item, values=ValuesByPeriod())
    assert [[line.words for line in lines] for lines in one_at_a_time.lines.values()] == [
        [line.words for line in lines] for lines in whole_years.lines.values()
    ]
    assert [p.words for p in one_at_a_time.pooled] == [p.words for p in whole_years.pooled]


READERS = ["system_lead", "partnership_lead", "school_leader_a", "school_leader_b", "governor", "partner_agency"]


@pytest.mark.usefixtures("two_schools_tried")
def test_every_reader_sees_what_the_tries_achieved_and_no_one_else(
    item: PracticeItem, client_for: Callable[[str], Client]
) -> None:
    # Every reader sees every try (the library's rule) and the figures rest on published
    # results: the pooled figure is the same for all of them, over every try. One set-up,
    # every persona.
    for persona in [*READERS, "outsider"]:
        response = client_for(persona).get(reverse("practice_detail", args=[item.pk]))
        if persona in READERS:
            assert "across 2 schools (each weighed" in response.content.decode(), persona
        else:
            assert response.status_code == 403 and b"weighed" not in response.content


def test_the_school_page_shows_what_it_tried_with_what_changed_there(
    two_schools_tried: tuple[School, School], client_for: Callable[[str], Client]
) -> None:
    school_b, _ = two_schools_tried
    # Another school's leader, who sees school B's page and every try in the library.
    section = client_for("school_leader_a").get(reverse("school_section", args=[school_b.pk, "practice"]))
    page = section.content.decode()
    assert "Practice it tried" in page and "Phonics catch-up" in page and "started 2 Oct 2017" in page
    assert "Reading progress rose by 6.0 at the school" in page and "4.0 better than theirs" in page


@pytest.mark.usefixtures("two_schools_tried")
def test_the_command_measures_every_item_again(item: PracticeItem) -> None:
    import io

    from django.core.management import call_command

    TriedResult.objects.all().delete()
    PooledResult.objects.all().delete()
    out = io.StringIO()
    call_command("practice_measure", stdout=out)
    assert out.getvalue().strip() == "Measured the tries of 1 item."
    assert PooledResult.objects.get(item=item).effect == pytest.approx(194 / 59)
