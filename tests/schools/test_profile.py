"""The school improvement profile (HTML for print, and PDF): what it says, checked against the
test data by hand, and who sees which parts of it, both ways.

The platform: the register sample benchmarked over three years (``build_benchmarked``) with
reading renamed a headline indicator (school A, Alton Infant, is the lowest of the ten open
primaries: an area to develop), a public headline attendance indicator where A is the highest
(a strength), a non-public headline staff-turnover record, an early-warning run with A's own
response, and help A asked for and gave.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import dateformat, timezone
from pypdf import PdfReader

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.earlywarning.models import RiskResponse, RiskRun
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import Partnership, PartnershipMembership, School
from evenbetter.schools.profile import profile_of
from evenbetter.support.models import Engagement, HelpRequest, SupportReview
from tests.benchmarks.conftest import build_benchmarked, reading_values
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

UTC = dt.UTC
RESPONSE = "Our new head started in September and meets the cluster every fortnight."
REASON = "Little contact with other schools this year"
STAFF_TURNOVER_A = 41.7  # school A's non-public value: "41.7%" must show only to those who see local records


def _open_primaries() -> list[School]:
    return list(School.objects.exclude(status=School.Status.CLOSED).order_by("urn"))


def _indicator(code: str, name: str, direction: str, domain: str, *, public: bool = True) -> Indicator:
    return Indicator.objects.create(
        code=code, name=name, unit="%", direction=direction, domain=domain, comparison="percent",
        headline=True, is_public=public,
    )  # fmt: skip


@pytest.fixture
def platform(
    register: object, alton_cluster: Partnership, school_a: School, school_b: School, school_c: School
) -> RiskRun:
    schools = _open_primaries()
    attendance = _indicator("attendance_rate", "Attendance", "higher", Indicator.Domain.ATTENDANCE)
    turnover = _indicator(
        "staff_turnover", "Staff turnover", "lower", Indicator.Domain.WORKFORCE, public=False
    )  # a local record: the workforce return
    for i, school in enumerate(schools):
        Observation.objects.create(
            school=school, indicator=attendance, period="2018/19", period_start=dt.date(2018, 9, 1),
            value=97.0 if school == school_a else 90.0 + 0.5 * i,
        )  # fmt: skip
        Observation.objects.create(
            school=school, indicator=turnover, period="2018/19", period_start=dt.date(2018, 9, 1),
            value=STAFF_TURNOVER_A if school == school_a else 10.0 + i,
        )  # fmt: skip
    # Reading over three years, the same shift for every school: A is lowest every year.
    build_benchmarked(
        shifts={2016: -8, 2017: -3, 2018: 0},
        reading={"code": "ks2_readprog", "name": "Reading at the expected standard", "headline": True},
    )
    run = make_risk_run(
        [(school_b, 0.62, 0.52, "high"), (school_a, 0.31, 0.21, "raised"), (school_c, 0.05, None, "usual")],
        reasons=[["trigger_isolation", 0.8, REASON]],
        triggers=[{"code": "isolation", "name": "Developing isolation", "kind": "leading", "fired": True,
                   "severity": 0.5, "evidence": "peers 1", "explanation": "No contact with a peer school."}],
    )  # fmt: skip
    RiskResponse.objects.create(school=school_a, score=run.scores.get(school=school_a), text=RESPONSE)
    # Help A asked for, named, closed: helped by C, time logged, both schools' reviews.
    asked = HelpRequest.objects.create(
        school=school_a, supporter=school_c, area="reading", title="Phonics in year one", description="Help.",
        status=HelpRequest.Status.CLOSED, agreed_at=dt.datetime(2017, 10, 2, tzinfo=UTC),
        closed_at=dt.datetime(2019, 6, 28, tzinfo=UTC),
    )  # fmt: skip
    for days in ("1.0", "0.5"):
        Engagement.objects.create(help_request=asked, on=dt.date(2018, 1, 10), days=Decimal(days))
    SupportReview.objects.create(
        help_request=asked, side="requester", benefit=4, objectives_met="yes", what_changed="."
    )
    SupportReview.objects.create(
        help_request=asked, side="supporter", benefit=5, objectives_met="partly", what_changed="."
    )
    # Asked anonymously: naming it on A's profile would give away who asked.
    HelpRequest.objects.create(
        school=school_a, area="attendance", title="Persistent absence in year four", description=".",
        visibility=HelpRequest.Visibility.ANONYMOUS,
    )  # fmt: skip
    # Help A gives B (generated for the demo).
    HelpRequest.objects.create(
        school=school_b, supporter=school_a, area="maths", title="Mastery in maths", description=".",
        status=HelpRequest.Status.IN_PROGRESS, is_generated=True,
    )  # fmt: skip
    # Help A gives C, named: every school leader sees the request, but who helps is the brokerage's.
    HelpRequest.objects.create(
        school=school_c, supporter=school_a, area="maths", title="Times tables at pace", description=".",
        status=HelpRequest.Status.AGREED,
    )  # fmt: skip
    return run


def _text(pdf: bytes) -> str:
    """The PDF's text, every run of white space one space (table cells wrap lines anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _page(client: Client, school: School) -> str:
    response = client.get(reverse("school_profile", args=[school.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _html(client: Client, school: School) -> str:
    """The page's text as a reader sees it: tags dropped (a block's as a space), entities read,
    every run of white space one space."""
    inline = re.sub(r"</?(?:strong|span|a|em|b)\b[^>]*>", "", _page(client, school))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _pdf(client: Client, school: School) -> str:
    response = client.get(reverse("school_profile_pdf", args=[school.pk]))
    assert response.status_code == 200
    return _text(response.content)


def _linear_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_the_pdf_is_an_a4_attachment_with_the_school_its_figures_and_page_numbers(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School
) -> None:
    response = client_for("school_leader_a").get(reverse("school_profile_pdf", args=[school_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="alton-infant-school-115850-profile-{today.isoformat()}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    assert reader.metadata is not None and reader.metadata.title == "Alton Infant School: school improvement profile"
    text = _text(response.content)
    assert text.startswith("School improvement profile Alton Infant School URN 115850")
    pages = len(reader.pages)
    footer = f"Generated on {dateformat.format(today, 'j F Y')} from Even Better"
    for number, page in enumerate(reader.pages, start=1):
        page_text = " ".join(page.extract_text().split())
        assert footer in page_text and f"Page {number} of {pages}" in page_text

    # Reading, 2018/19, by hand: A has 50; its family, the nine other open primaries, 55 to 95.
    values = reading_values()
    own = values[school_a.urn]  # type: ignore[index]
    others = [v for urn, v in values.items() if urn != school_a.urn]
    median, q1, q3 = (_linear_quantile(others, q) for q in (0.5, 0.25, 0.75))
    assert (own, median, q1, q3) == (50.0, 75.0, 65.0, 85.0)
    better_than = 100 * sum(v < own for v in others) / len(others)
    row = (
        f"Reading at the expected standard 2018/19 {own:.1f}% {median:.1f}% {q1:.1f}% to {q3:.1f}% "
        f"better than {better_than:.0f}% of similar schools {q3:.1f}% ({q3 - own:.1f}% to go)"
    )
    assert row in text
    # Context: the census figures build_benchmarked gives A (the first school by URN).
    assert "% English as an additional language 3.0% (2018/19)" in text
    assert "% SEN support 10.0% (2018/19)" in text
    assert "Partnership Alton Cluster (cluster)" in text
    # A strength, in the words of the strengths module, worked out here by hand: A's 97.0 is
    # above all nine others' attendance (90.5 to 94.5); one year held.
    assert (
        "Attendance: in the top quarter of its family in the only year held "
        "(2018/19: 97.0%, better than 100% of similar schools)."
    ) in text
    assert (
        "Reading at the expected standard: in the bottom quarter of its family in 3 of the last 3 years "
        "(2018/19: 50.0%, behind 100% of similar schools)."
    ) in text
    # Trends: the last three periods of reading, A's 42, 47 and 50.
    assert "Reading at the expected standard higher is better 2016/17: 42.0% 2017/18: 47.0% 2018/19: 50.0%" in text
    assert "Attendance higher is better 2018/19: 97.0%" in text  # one period: under "Latest"
    # Support it asked for: closed, helped by C, 1.5 days, both reviews, and what changed measured.
    assert (
        "Phonics in year one (Early reading and phonics) Closed Anstey Junior School 1.5 days The school that asked: 4 of 5, "
        "objectives met; The school or service that helped: 5 of 5, objectives partly met"
    ) in text
    assert "2016/17 to 2018/19: Reading at the expected standard rose by 8.0 percentage points at the school" in text
    # ... and the support it gives, marked as made up for the demo.
    assert "Mastery in maths (Maths) (generated) In progress Ash Grange Nursery and Primary School" in text
    assert "Records marked (generated) are made up for the demo" in text


def test_html_and_pdf_say_the_same(client_for: Callable[[str], Client], platform: RiskRun, school_a: School) -> None:
    client = client_for("school_leader_a")
    page, pdf = _html(client, school_a), _pdf(client, school_a)
    reader = RequestFactory().get(reverse("school_profile", args=[school_a.pk]))
    reader.user = User.objects.get(username="school_leader_a")
    profile = profile_of(reader, school_a)
    facts, benchmarks, strengths, trends, support, risk = (
        profile.section(key) for key in ("facts", "benchmarks", "strengths", "trends", "support", "risk")
    )
    strings = [
        *(f.value for f in facts.facts),
        *(s for b in benchmarks.rows for s in (b.value, b.median, b.middle_half, b.better_than, b.target)),
        *strengths.strengths,
        *strengths.areas,
        *(v for t in trends.rows for _, v in t.points),
        *(r.title for r in support.asked + support.given),
        *risk.reasons,
    ]
    assert len(strings) > 25
    for string in strings:
        assert " ".join(string.split()) in page, string
        assert " ".join(string.split()) in pdf, string


@pytest.mark.parametrize("persona", ["school_leader_a", "system_lead", "partnership_lead", "governor"])
def test_those_who_see_the_schools_risk_get_it_with_reasons_and_its_response_and_it_is_audited(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School, persona: str
) -> None:
    client = client_for(persona)
    views = AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a, user__username=persona)
    page = _html(client, school_a)
    assert views.count() == 1
    pdf = _pdf(client, school_a)
    assert views.count() == 2
    assert views.first().detail == {  # type: ignore[union-attr]
        "score": platform.scores.get(school=school_a).pk, "risk": 0.31, "via": "profile",
    }  # fmt: skip
    expected = [
        "Early warning",
        "Risk score 31% (Raised): the chance that the next inspection is below Good, as at 2018/19.",
        "Ranked 2 of 3 schools; up 10 points since the run before.",
        f"Raised the chance a lot: {REASON}",
        "Developing isolation (leading trigger): No contact with a peer school.",
        RESPONSE,
    ]
    for text in expected:
        assert text in pdf, text
        assert text in page, text


@pytest.mark.parametrize("persona", ["school_leader_b", "partner_agency"])
def test_another_schools_leader_and_a_partner_agency_see_public_parts_only(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School, persona: str
) -> None:
    client = client_for(persona)
    page, pdf = _html(client, school_a), _pdf(client, school_a)
    for text in (page, pdf):
        # The public parts are there ...
        assert "Alton Infant School" in text
        assert "better than 100% of similar schools" in text  # attendance
        # ... the risk is not ...
        for hidden in ("Early warning", "Risk score", "31%", REASON, RESPONSE, "Developing isolation"):
            assert hidden not in text, hidden
        # ... nor a local record: the staff-turnover value, in the benchmarks, trends or areas.
        assert f"{STAFF_TURNOVER_A}%" not in text and "Staff turnover" not in text
        # ... nor an anonymous request, which its profile would name.
        assert "Persistent absence in year four" not in text
    assert 'id="profile-risk-section"' not in _page(client, school_a)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW).exists()


def test_a_non_public_indicator_shows_to_those_who_see_local_records(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School
) -> None:
    for persona in ("school_leader_a", "governor"):
        pdf = _pdf(client_for(persona), school_a)
        assert f"Staff turnover 2018/19 {STAFF_TURNOVER_A}%" in pdf, persona  # benchmarked
        assert f"Staff turnover lower is better 2018/19: {STAFF_TURNOVER_A}%" in pdf, persona  # trend
        assert (
            f"Staff turnover: in the bottom quarter of its family in the only year held (2018/19: {STAFF_TURNOVER_A}%"
            in pdf
        )


def test_support_is_shown_as_the_reader_may_see_it(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School
) -> None:
    # School B's leader: A's named request, without its brokerage; the help A gives B, as B's own.
    leader_b = _pdf(client_for("school_leader_b"), school_a)
    assert "Phonics in year one (Early reading and phonics) Closed — — — —" in leader_b
    assert "1.5 days" not in leader_b and "Anstey Junior School" not in leader_b
    assert "Mastery in maths (Maths) (generated) In progress Ash Grange Nursery and Primary School" in leader_b
    assert "Times tables at pace" not in leader_b  # A helps C: not B's to know
    # A partner agency sees no help requests at all.
    agency = _pdf(client_for("partner_agency"), school_a)
    assert "Phonics in year one" not in agency and "Mastery in maths" not in agency
    assert "No request you can see." in agency and "No support you can see." in agency
    # A's own leader sees its anonymous request too (it is theirs).
    own = _pdf(client_for("school_leader_a"), school_a)
    assert "Persistent absence in year four (Attendance) Requested Nobody yet" in own
    assert "Times tables at pace (Maths) Agreed Anstey Junior School" in own


def test_risk_with_no_run_still_says_so_and_is_audited(
    client_for: Callable[[str], Client], register: object, school_a: School, school_leader_a: User
) -> None:
    pdf = _pdf(client_for("school_leader_a"), school_a)
    assert "Early warning" in pdf and "The early warning has not been run yet." in pdf
    assert "No headline indicator has been benchmarked for this school yet." in pdf
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a).count() == 1


def test_long_tables_split_across_pages_with_their_heading_row_on_each(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School, school_c: School
) -> None:
    HelpRequest.objects.bulk_create(
        HelpRequest(school=school_a, supporter=school_c, area="writing", title=f"Writing support {n:02d}",
                    description=".", status=HelpRequest.Status.IN_PROGRESS)
        for n in range(60)
    )  # fmt: skip
    response = client_for("school_leader_a").get(reverse("school_profile_pdf", args=[school_a.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    with_rows = [i for i, page in enumerate(pages) if "Writing support" in page]
    assert len(with_rows) >= 2  # the table ran onto another page
    for i in with_rows:
        assert "Request Status Helped by Time given Felt benefit What changed (measured)" in pages[i], i
    found = re.findall(r"Writing support (\d\d)", " ".join(pages))
    assert sorted(found) == [f"{n:02d}" for n in range(60)]  # every row, once
    assert "Alton Infant School · School improvement profile" in pages[with_rows[-1]]  # the running head


def test_text_people_wrote_is_escaped_not_read_as_markup(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School
) -> None:
    RiskResponse.objects.create(school=school_a, text="Results <b>rose</b> & staff stayed; <para>no</para>")
    pdf = _pdf(client_for("school_leader_a"), school_a)
    assert "Results <b>rose</b> & staff stayed; <para>no</para>" in pdf


def test_generated_partnerships_are_marked(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School
) -> None:
    demo = Partnership.objects.create(name="Wey Valley Cluster", slug="wey", kind="cluster", is_generated=True)
    PartnershipMembership.objects.create(partnership=demo, school=school_a)
    client = client_for("system_lead")
    assert "Partnership Wey Valley Cluster (cluster) (generated)" in _pdf(client, school_a)
    assert 'Wey Valley Cluster (cluster) <span class="badge generated">generated</span>' in _page(client, school_a)


PERSONAS_A = {
    "anonymous": 302, "outsider": 403, "system_lead": 200, "partnership_lead": 200, "school_leader_a": 200,
    "school_leader_b": 200, "governor": 200, "partner_agency": 200,
}  # fmt: skip
PERSONAS_B = {**PERSONAS_A, "governor": 403, "partner_agency": 403}


@pytest.mark.parametrize("name", ["school_profile", "school_profile_pdf"])
@pytest.mark.parametrize("which", ["a", "b"])
@pytest.mark.parametrize("persona", list(PERSONAS_A))
def test_who_may_open_the_profile(
    client_for: Callable[[str], Client], school_a: School, school_b: School, name: str, which: str, persona: str
) -> None:
    school = school_a if which == "a" else school_b
    url = reverse(name, args=[school.pk])
    response = client_for(persona).get(url)
    expected = (PERSONAS_A if which == "a" else PERSONAS_B)[persona]
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"
    if expected == 403:
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW).exists()
    # Anyone who may open the school's page may open its profile, and no one else.
    assert client_for(persona).get(reverse("school_detail_by_id", args=[school.pk])).status_code == expected


def test_an_unknown_school_has_no_profile(client_for: Callable[[str], Client]) -> None:
    for name in ("school_profile", "school_profile_pdf"):
        assert client_for("system_lead").get(reverse(name, args=[999999])).status_code == 404


def test_the_school_page_links_to_its_profile(client_for: Callable[[str], Client], school_a: School) -> None:
    page = client_for("partner_agency").get(school_a.get_absolute_url())
    assert f'href="{reverse("school_profile", args=[school_a.pk])}">Profile (PDF)</a>'.encode() in page.content
    profile = client_for("partner_agency").get(reverse("school_profile", args=[school_a.pk]))
    assert b'<link rel="stylesheet" href="/static/web/print.css">' in profile.content
    # The CSP allows neither inline: a script only from a file (the header's menus, web/nav.js).
    assert b"style=" not in profile.content and not re.search(rb"<script(?![^>]*\ssrc=)", profile.content)


@pytest.mark.parametrize("first", ["school_leader_a", "school_leader_b"])
def test_the_kept_figures_are_each_readers_own_whoever_asks_first_and_a_new_value_renews_them(
    client_for: Callable[[str], Client], platform: RiskRun, school_a: School, first: str,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    from evenbetter.indicators.store import StagedObservation, observations_write

    trend = f"Staff turnover lower is better 2018/19: {STAFF_TURNOVER_A}%"  # a local record's trend
    readers = {persona: client_for(persona) for persona in (first, *({"school_leader_a", "school_leader_b"} - {first}))}
    for _ in range(2):  # worked out by the first reader, then read back by both
        seen = {persona: (_html(client, school_a), _pdf(client, school_a)) for persona, client in readers.items()}
        assert all(trend in text for text in seen["school_leader_a"])
        assert not any("Staff turnover" in text for text in seen["school_leader_b"])
    turnover = Indicator.objects.get(code="staff_turnover")
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [
                StagedObservation(
                    school_a.pk, "staff_turnover", "2019/20", dt.date(2019, 9, 1), 12.5, "value", False, 0, ""
                )
            ],
            {"staff_turnover": turnover.pk},
            None,
        )
    assert "2019/20: 12.5%" in _pdf(readers["school_leader_a"], school_a)
    assert "Staff turnover" not in _pdf(readers["school_leader_b"], school_a)
