"""The dashboards: figures from the schools the reader may see, each part for whom it is."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def _indicator(code: str, unit: str = "%", cohort: str = "", public: bool = True) -> Indicator:
    return Indicator.objects.create(
        code=code, name=code, unit=unit, direction="higher", domain="outcomes", comparison="percent",
        cohort_indicator=cohort, is_public=public,
    )  # fmt: skip


def _value(school: School, indicator: Indicator, value: float, period: str = "2018/19") -> None:
    Observation.objects.create(
        school=school, indicator=indicator, period=period, period_start=dt.date(int(period[:4]), 9, 1), value=value
    )


@pytest.fixture
def outcomes(school_a: School, school_b: School, school_c: School) -> Indicator:
    rwm = _indicator("ks2_ptrwm_exp", cohort="ks2_telig")
    pupils = _indicator("ks2_telig", unit="pupils")
    for school, value, cohort in ((school_a, 50.0, 10), (school_b, 70.0, 30), (school_c, 90.0, 60)):
        _value(school, rwm, value)
        _value(school, pupils, cohort)
    health = _indicator("actions_completion", public=False)
    _value(school_a, health, 80.0)
    _value(school_b, health, 20.0)
    return rwm


def test_the_overall_figure_and_spread_over_the_schools_shown(
    client_for: Callable[[str], Client], outcomes: Indicator, alton_cluster: Partnership
) -> None:
    board = client_for("system_lead").get(reverse("dashboard")).context["board"]
    [series] = board.outcomes
    latest = series.latest
    # By hand: (50x10 + 70x30 + 90x60) / 100 = 80; median 70; quartiles 60 and 80.
    assert latest["schools"] == 3
    assert latest["overall"] == pytest.approx(80.0)
    assert (latest["q1"], latest["median"], latest["q3"]) == pytest.approx((60.0, 70.0, 80.0))
    # Filtered to the Alton cluster (schools A and C): (50x10 + 90x60) / 70 = 84.29.
    page = client_for("system_lead").get(reverse("dashboard"), {"partnership": alton_cluster.slug})
    assert page.context["board"].outcomes[0].latest["overall"] == pytest.approx(5900 / 70)


def test_risk_help_and_health_only_for_those_who_may_see_them(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, school_b: School
) -> None:
    make_risk_run([(school_a, 0.7, None, "high"), (school_b, 0.2, None, "usual")])
    HelpRequest.objects.create(school=school_a, area="reading", title="R", description=".")
    system = client_for("system_lead").get(reverse("dashboard")).context["board"]
    assert dict(system.risk_bands) == {"High": 1, "Raised": 0, "Usual": 1}
    assert system.help["requests"] == 1
    assert {s.indicator.code for s in system.health} == {"actions_completion"}
    lead = client_for("partnership_lead").get(reverse("dashboard")).context["board"]
    assert dict(lead.risk_bands) == {"High": 1, "Raised": 0, "Usual": 0}  # only its partnership's school A
    assert lead.health[0].latest["schools"] == 1
    leader_b = client_for("school_leader_b").get(reverse("dashboard"), {"locality": ""})
    board = leader_b.context["board"]
    assert board.risk_bands is None and board.help is None
    assert board.health[0].latest["schools"] == 1  # its own school only
    assert board.outcomes[0].latest["schools"] == 3  # published outcomes of every school
    assert b"risk-bands" not in leader_b.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("system_lead", 200), ("partnership_lead", 200), ("school_leader_a", 200), ("partner_agency", 200),
     ("governor", 200), ("outsider", 403), ("anonymous", 302)],
)  # fmt: skip
def test_who_opens_the_dashboard_and_the_map(
    client_for: Callable[[str], Client], outcomes: Indicator, persona: str, status: int
) -> None:
    client = client_for(persona)
    assert client.get(reverse("dashboard")).status_code == status
    assert client.get(reverse("dashboard_map")).status_code == status
    assert client.get(reverse("dashboard"), {"format": "xlsx", "locality": ""}).status_code == status


def test_a_governor_sees_the_outcomes_of_its_locality_and_not_of_another(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, school_b: School, school_c: School
) -> None:
    """The governor of school A (East Hampshire) sees A and C's outcomes, not B's (Guildford);
    a governor of B the reverse; neither gets a link to a school page they may not open."""
    from evenbetter.accounts.models import Role
    from tests.conftest import make_user

    governor_a = client_for("governor").get(reverse("dashboard")).context["board"]
    assert governor_a.outcomes[0].latest["schools"] == 2
    assert governor_a.outcomes[0].latest["overall"] == pytest.approx(5900 / 70)  # A and C only
    assert not governor_a.health and governor_a.risk_bands is None  # no local records, no risk
    page = client_for("governor").get(reverse("dashboard_map"), {"indicator": "ks2_ptrwm_exp"})
    shown = {point.school_id: point.url for point in page.context["map"].points}
    assert school_b.pk not in shown and school_c.pk in shown
    assert shown[school_a.pk] == reverse("school_detail_by_id", args=[school_a.pk])
    assert shown[school_c.pk] == ""  # shown, but its page is not the governor's to open
    filter_choices = [slug for slug, _ in page.context["form"].fields["locality"].choices]
    assert filter_choices == ["", "east-hampshire"]
    # Asking for another locality is not a choice offered: the filter is set aside, nothing of B shows.
    asked = client_for("governor").get(reverse("dashboard"), {"locality": "guildford"}).context["board"]
    assert asked.outcomes[0].latest["schools"] == 2 and asked.schools == governor_a.schools

    governor_b = Client()
    governor_b.force_login(make_user("governor_b", Role.GOVERNOR, school=school_b))
    board_b = governor_b.get(reverse("dashboard")).context["board"]
    assert board_b.outcomes[0].latest["schools"] == 1
    assert board_b.outcomes[0].latest["overall"] == pytest.approx(70.0)  # B's alone


def test_the_export_holds_the_figures_on_the_page(client_for: Callable[[str], Client], outcomes: Indicator) -> None:
    response = client_for("school_leader_a").get(reverse("dashboard"), {"format": "xlsx", "locality": ""})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("indicator code", "indicator", "unit", "period", "schools")
    assert rows[1][0] == "ks2_ptrwm_exp" and rows[1][4] == 3 and rows[1][8] == pytest.approx(80.0)
    csv = (
        client_for("school_leader_a")
        .get(reverse("dashboard"), {"format": "csv", "locality": ""})
        .content.decode("utf-8-sig")
    )
    assert csv.splitlines()[1].startswith("ks2_ptrwm_exp,ks2_ptrwm_exp,%,2018/19,3,60.0,70.0,80.0,80.0")


def test_the_map_places_and_colours_the_schools(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, school_c: School
) -> None:
    page = client_for("system_lead").get(reverse("dashboard_map"), {"indicator": "ks2_ptrwm_exp"})
    school_map = page.context["map"]
    by_id = {p.school_id: p for p in school_map.points}
    assert by_id[school_c.pk].colour != by_id[school_a.pk].colour  # 90 and 50 fall in different bands
    assert all(0 <= p.x <= school_map.width and 0 <= p.y <= school_map.height for p in school_map.points)
    # Each point links to its own school's page.
    assert all(p.url == reverse("school_detail_by_id", args=[p.school_id]) for p in school_map.points)
    assert f"{school_a.name}: 50.0%".encode() in page.content
    assert b"<image" not in page.content  # no tiles unless configured


def test_cached_figures_never_cross_from_one_reader_to_another(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, school_c: School
) -> None:
    # The system lead sees all three schools and the partner agency only East Hampshire's
    # (A and C); whoever comes first, each gets the figures over their own schools.
    system = client_for("system_lead").get(reverse("dashboard")).context["board"]
    agency = client_for("partner_agency").get(reverse("dashboard")).context["board"]
    assert system.outcomes[0].latest["schools"] == 3
    assert agency.outcomes[0].latest["schools"] == 2
    assert agency.outcomes[0].latest["overall"] == pytest.approx(5900 / 70)  # A and C only
    # Partnerships' health (local records): the partnership lead sees A and C in full, the
    # system lead A and B; the lead's cached figure is not the system lead's, nor the reverse.
    lead = client_for("partnership_lead").get(reverse("dashboard")).context["board"]
    assert lead.health[0].latest["median"] == pytest.approx(80.0)  # school A's alone
    again = client_for("system_lead").get(reverse("dashboard")).context["board"]
    assert again.health[0].latest["median"] == pytest.approx(50.0)  # A's 80 and B's 20


def test_a_cached_dashboard_figure_is_replaced_after_new_data_commits(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, django_capture_on_commit_callbacks
) -> None:
    from evenbetter.indicators.models import ImportRun
    from evenbetter.ingest.runner import import_file

    lead = client_for("system_lead")
    absence = lambda: lead.get(reverse("dashboard")).context["board"].outcomes  # noqa: E731
    assert [s.indicator.code for s in absence()] == ["ks2_ptrwm_exp"]  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        run = import_file(
            content=b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,1,115850,3.9,8.1\n",
            file_name="absence.csv",
            source_format="dfe_absence",
            period="2018/19",
        )
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert "absence_overall" in [s.indicator.code for s in absence()]


def test_the_maps_kept_values_are_renewed_after_new_data_commits(
    client_for: Callable[[str], Client], outcomes: Indicator, school_a: School, django_capture_on_commit_callbacks
) -> None:
    from evenbetter.indicators.store import StagedObservation, observations_write

    lead = client_for("system_lead")

    def label_of_a() -> str:
        page = lead.get(reverse("dashboard_map"), {"indicator": "ks2_ptrwm_exp"})
        return next(p.label for p in page.context["map"].points if p.school_id == school_a.pk)

    assert label_of_a().endswith("50.0%")  # kept now
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [
                StagedObservation(
                    school_a.pk, "ks2_ptrwm_exp", "2018/19", dt.date(2018, 9, 1), 65.0, "value", False, 1, ""
                )
            ],
            {"ks2_ptrwm_exp": outcomes.pk},
            None,
        )
    assert label_of_a().endswith("65.0%")


def test_the_kept_risk_bands_follow_a_new_risk_run(
    client_for: Callable[[str], Client],
    outcomes: Indicator,
    school_a: School,
    school_b: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_risk_run([(school_b, 0.6, None, "high"), (school_a, 0.1, None, "usual")])
    lead = client_for("system_lead")
    assert dict(lead.get(reverse("dashboard")).context["board"].risk_bands) == {"High": 1, "Raised": 0, "Usual": 1}
    # The new run is the newest once its transaction commits (the dashboard reads the newest run
    # kept beside the figures' generation, which the run's save renews on commit).
    with django_capture_on_commit_callbacks(execute=True):
        make_risk_run([(school_b, 0.3, 0.6, "raised"), (school_a, 0.2, 0.1, "raised")])
    assert dict(lead.get(reverse("dashboard")).context["board"].risk_bands) == {"High": 0, "Raised": 2, "Usual": 0}
    # The partnership lead sees school A's risk alone: never the system lead's kept figures.
    partnership = client_for("partnership_lead").get(reverse("dashboard")).context["board"]
    assert dict(partnership.risk_bands) == {"High": 0, "Raised": 1, "Usual": 0}
