"""Filters and inline steps in Chromium, under the strict Content-Security-Policy.

With JavaScript, a filter change replaces only the page's region (a marker set on ``window``
survives), the address follows, and back and forward bring the earlier results and filters
back — from htmx's history cache (the directory, the dashboard's charts drawn again) or, for
the watch list, which is never cached, from the server. Each inline step (answer a risk, agree
a support, mark an action done) is taken without the page being loaded again, a wrong form
shows its message in place, and the page is axe-clean after the swap. Without JavaScript the
same forms work as ordinary forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from evenbetter.earlywarning.models import RiskResponse
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.partnerships.models import Action
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from tests.browser.conftest import Axe, sign_in, sign_in_by_cookie
from tests.earlywarning.conftest import make_risk_run

# A page that is loaded again loses this; one that htmx only changed in part keeps it.
MARK = "window.__notReloaded = true"
NOT_RELOADED = "window.__notReloaded === true"
LISTEN_FOR_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


def _axe_clean(page: Page, where: str) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, f"{where}: {result.generate_report()}"


def _context_page(browser: Browser, *, javascript: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=javascript
    )
    page = context.new_page()
    page.add_init_script(LISTEN_FOR_CSP)
    return page


@pytest.fixture
def scene(
    school_a: School, school_b: School, school_c: School, alton_cluster: Partnership
) -> Iterator[dict[str, object]]:
    """A risk run, one outcome at three schools, a support waiting for school B's agreement and
    an action of school A's due in three days."""
    make_risk_run(
        [(school_b, 0.62, None, "high"), (school_a, 0.41, 0.2, "raised"), (school_c, 0.05, None, "usual")],
        reasons=[["staff_turnover", 0.9, "Staff turnover is 24 (typical school: 12)"]],
    )
    reading = Indicator.objects.create(
        code="ks2_ptrwm_exp", name="Reading, writing and maths", unit="%", direction="higher",
        domain="outcomes", comparison="percent", is_public=True, headline=True,
    )  # fmt: skip
    for school, value in ((school_a, 50.0), (school_b, 70.0), (school_c, 90.0)):
        for year, shift in ((2017, -4.0), (2018, 0.0)):
            Observation.objects.create(
                school=school, indicator=reading, period=f"{year}/{str(year + 1)[2:]}",
                period_start=dt.date(year, 9, 1), value=value + shift,
            )  # fmt: skip
    help_request = HelpRequest.objects.create(
        school=school_a, supporter=school_b, status=HelpRequest.Status.SUGGESTED, area="reading",
        title="Phonics in Year 1", description="Our phonics screening check fell two years running.",
    )  # fmt: skip
    today = timezone.localdate()
    action = Action.objects.create(
        title="Audit attendance", partnership=alton_cluster, owner_school=school_a,
        agreed_on=today - dt.timedelta(days=40), due_on=today + dt.timedelta(days=3),
    )  # fmt: skip
    yield {"help_request": help_request, "action": action}


@pytest.mark.django_db(transaction=True)
def test_filters_swap_the_results_and_back_and_forward_restore_them(
    live_server, browser: Browser, system_lead: object, scene: dict[str, object]
) -> None:
    page = _context_page(browser)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "system_lead")

    # The directory: from htmx's history cache.
    page.goto(f"{live_server.url}/schools/")
    region = page.locator("#directory-results")
    everyone = region.locator("[data-filter-summary]").inner_text()
    page.evaluate(MARK)
    page.get_by_label("Partnership").select_option("alton-cluster")
    expect(region.locator("[data-filter-summary]")).to_contain_text("2 schools found")
    expect(page).to_have_url(
        f"{live_server.url}/schools/?q=&phase=&locality=&partnership=alton-cluster&ofsted=&status=open"
    )
    assert page.evaluate(NOT_RELOADED)
    expect(page.locator("[data-filter-announcer]")).to_have_text("2 schools found. CSV · XLSX")
    _axe_clean(page, "the directory after a filter change")
    page.go_back()
    expect(region.locator("[data-filter-summary]")).to_have_text(everyone)
    expect(page.get_by_label("Partnership")).to_have_value("")
    page.go_forward()
    expect(region.locator("[data-filter-summary]")).to_contain_text("2 schools found")
    expect(page.get_by_label("Partnership")).to_have_value("alton-cluster")
    assert page.evaluate(NOT_RELOADED)

    # The dashboard: its charts are drawn after the swap, and again after back.
    page.goto(f"{live_server.url}/dashboard/")
    chart = page.locator('canvas[data-chart="outcome-ks2_ptrwm_exp"]')
    expect(chart).to_have_attribute("data-rendered", "true")
    page.evaluate(MARK)
    page.get_by_label("Partnership").select_option("alton-cluster")
    expect(page.locator("#dashboard-results .lead")).to_contain_text("Alton Cluster (2 open schools)")
    expect(chart).to_have_attribute("data-rendered", "true")
    page.go_back()
    expect(page.locator("#dashboard-results .lead")).to_contain_text("every school you see (")
    expect(chart).to_have_attribute("data-rendered", "true")
    assert page.evaluate(NOT_RELOADED)
    # Put back without the charts' sizes as inline styles, which the policy would refuse.
    assert page.evaluate("window.__cspViolations") == []

    # The watch list keeps no copy of risk in the browser: back asks the server again.
    page.goto(f"{live_server.url}/watch-list/")
    page.evaluate(MARK)
    page.get_by_label("Band").select_option("raised")
    summary = page.locator("#watch-list-results [data-filter-summary]")
    expect(summary).to_contain_text("1 school matches these filters")
    assert page.evaluate(NOT_RELOADED)
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache') || ''").find("Staff turnover") == -1
    _axe_clean(page, "the watch list after a filter change")
    page.go_back()
    expect(summary).to_contain_text("3 schools on the list")
    expect(page.get_by_label("Band")).to_have_value("")
    assert problems == [] and page.evaluate("window.__cspViolations") == []

    # Signing out clears what htmx kept of the pages (the directory's and dashboard's states).
    assert "alton-cluster" in page.evaluate("sessionStorage.getItem('htmx-history-cache') || ''")
    page.get_by_text("Account", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None


@pytest.mark.django_db(transaction=True)
def test_inline_steps_are_taken_without_the_page_loading_again(
    live_server, browser: Browser, school_leader_a: object, school_leader_b: object, scene: dict[str, object],
    school_a: School,
) -> None:  # fmt: skip
    help_request = scene["help_request"]
    action = scene["action"]
    assert isinstance(help_request, HelpRequest) and isinstance(action, Action)

    # School A answers its risk: first too short (the message in place), then in full.
    page = _context_page(browser)
    sign_in_by_cookie(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}/schools/id/{school_a.pk}/risk/")
    page.evaluate(MARK)
    page.get_by_label("Your response").fill("No.")
    page.get_by_role("button", name="Add your response").click()
    expect(page.locator("#school-response")).to_contain_text("Say a little more: at least ten characters.")
    expect(page.get_by_label("Your response")).to_be_focused()
    page.get_by_label("Your response").fill("Two teachers retired in July; both posts are filled.")
    page.get_by_role("button", name="Add your response").click()
    expect(page.locator("#school-response [data-step-message]")).to_have_text(
        "Your response is saved; it is shown beside the score on the watch list."
    )
    expect(page.locator("#school-response")).to_contain_text("Two teachers retired in July")
    assert page.evaluate(NOT_RELOADED)
    assert RiskResponse.objects.get().school == school_a
    _axe_clean(page, "the risk page after an answer")

    # School A marks its action done from its home page.
    page.goto(f"{live_server.url}/")
    page.evaluate(MARK)
    item = page.locator(f"#action-due-{action.pk}")
    item.get_by_text("Mark it done").first.click()
    item.get_by_role("button", name="Mark it done").click()
    expect(item).to_contain_text("Say what shows it was done")
    item.get_by_label("Evidence").fill("Attendance audit sent to the heads")
    item.get_by_role("button", name="Mark it done").click()
    expect(item.locator("[data-step-message]")).to_have_text('"Audit attendance" is now done.')
    assert page.evaluate(NOT_RELOADED)
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    _axe_clean(page, "the home page after marking an action done")

    # School B agrees the support; the status at the top follows.
    page_b = _context_page(browser)
    sign_in_by_cookie(page_b, live_server.url, "school_leader_b")
    page_b.goto(f"{live_server.url}/help/{help_request.pk}/")
    page_b.evaluate(MARK)
    page_b.get_by_label("Objectives the two schools will work towards (one a line)").fill("Observe phonics in Year 1")
    page_b.get_by_role("button", name="Agree the support").click()
    expect(page_b.locator("#brokerage [data-step-message]")).to_have_text("Agree the support: done.")
    expect(page_b.locator("#objectives")).to_contain_text("Observe phonics in Year 1")
    assert page_b.evaluate(NOT_RELOADED)
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is not None
    _axe_clean(page_b, "the help request after agreeing")
    assert page.evaluate("window.__cspViolations") == [] and page_b.evaluate("window.__cspViolations") == []


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_same_forms_work_as_ordinary_forms(
    live_server, browser: Browser, school_leader_a: object, school_leader_b: object, scene: dict[str, object],
    school_a: School,
) -> None:  # fmt: skip
    help_request = scene["help_request"]
    action = scene["action"]
    assert isinstance(help_request, HelpRequest) and isinstance(action, Action)
    page = _context_page(browser, javascript=False)
    sign_in_by_cookie(page, live_server.url, "school_leader_a")

    page.goto(f"{live_server.url}/schools/")
    page.get_by_label("Name, town, postcode, URN or local number").fill("GU34")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{live_server.url}/schools/?q=GU34&phase=&locality=&partnership=&ofsted=&status=open")
    expect(page.locator("[data-filter-summary]")).to_contain_text("2 schools found")

    page.goto(f"{live_server.url}/schools/id/{school_a.pk}/risk/")
    page.get_by_label("Your response").fill("Two teachers retired in July; both posts are filled.")
    page.get_by_role("button", name="Add your response").click()
    expect(page.get_by_text("Your response is saved")).to_be_visible()
    assert RiskResponse.objects.filter(school=school_a).exists()

    page.goto(f"{live_server.url}/")
    item = page.locator(f"#action-due-{action.pk}")
    item.get_by_text("Mark it done").first.click()  # a <details>: it opens without JavaScript
    item.get_by_label("Evidence").fill("Attendance audit sent to the heads")
    item.get_by_role("button", name="Mark it done").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text('"Audit attendance" is now done.')).to_be_visible()
    action.refresh_from_db()
    assert action.status == Action.Status.DONE

    page_b = _context_page(browser, javascript=False)
    sign_in_by_cookie(page_b, live_server.url, "school_leader_b")
    page_b.goto(f"{live_server.url}/help/{help_request.pk}/")
    page_b.get_by_label("Objectives the two schools will work towards (one a line)").fill("Observe phonics in Year 1")
    page_b.get_by_role("button", name="Agree the support").click()
    expect(page_b).to_have_url(f"{live_server.url}/help/{help_request.pk}/")
    expect(page_b.get_by_text("Agree the support: done.")).to_be_visible()
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is not None
