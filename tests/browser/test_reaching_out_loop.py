"""The whole loop of reaching out in a real browser: school A asks for help, the broker
matches school B from the suggestions, both schools agree objectives, B logs a visit, both
review, the broker closes it — and each person sees only the steps that are theirs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from tests.benchmarks.conftest import build_benchmarked
from tests.browser.conftest import screenshot, signed_in_page


@pytest.mark.django_db(transaction=True)
def test_request_match_agree_log_review_close(
    live_server,
    browser: Browser,
    register: object,
    school_a: School,
    school_b: School,
    school_leader_a: User,
    school_leader_b: User,
    partnership_lead: User,
    output_dir: Path,
) -> None:
    build_benchmarked(shifts={2017: -10, 2018: 0}, reading={"code": "ks2_readprog", "name": "Reading progress"})
    base = live_server.url
    asker = signed_in_page(browser, base, "school_leader_a", home=False)
    helper = signed_in_page(browser, base, "school_leader_b", home=False)
    broker = signed_in_page(browser, base, "partnership_lead", home=False)

    # School A asks, anonymously to other schools.
    asker.goto(f"{base}/help/")
    asker.get_by_role("link", name="Ask for help").click()
    asker.get_by_label("Area").select_option("reading")
    asker.get_by_label("What help is wanted, in a line").fill("Year 1 phonics is slipping")
    asker.get_by_label("More about it").fill(
        "Our phonics check fell two years running; we want to see strong practice."
    )
    asker.get_by_label("What kind of help").select_option("visit")
    asker.get_by_label("Anonymous to other schools (the broker sees who)").check()
    asker.get_by_role("button", name="Ask").click()
    expect(asker.get_by_text('Request "Year 1 phonics is slipping" made')).to_be_visible()
    request_url = asker.url
    help_request = HelpRequest.objects.get(title="Year 1 phonics is slipping")
    # School B cannot see an anonymous request's school, nor take any step on it.
    helper.goto(request_url)
    expect(helper.get_by_text(school_a.name)).to_have_count(0)
    expect(helper.locator("section.step")).to_have_count(0)

    # The broker sees the suggestions, with reasons, and matches school B from them.
    broker.goto(request_url)
    expect(broker.get_by_role("heading", name="Schools and services that could help")).to_be_visible()
    expect(broker.locator("ol.suggestions > li").first).to_be_visible()
    suggest = broker.locator("section.step", has=broker.get_by_role("heading", name="Suggest a school to help"))
    option = suggest.get_by_label(school_b.name, exact=True)
    if option.count():
        option.check()
    else:  # not among the ten best: the broker may still pick any school by URN
        suggest.get_by_label("…or another school, by URN").fill(str(school_b.urn))
    suggest.get_by_label("Note to both schools").fill("B's reading is strong for a school like yours.")
    suggest.get_by_role("button", name="Suggest a school to help").click()
    expect(broker.get_by_text("Suggest a school to help: done.")).to_be_visible()
    expect(broker.locator("[data-status]")).to_have_text("Supporter suggested")
    screenshot(broker, output_dir / "1-suggested.png", full_page=True)

    # School B now sees who asked; it agrees, writing the objectives.
    helper.goto(request_url)
    expect(helper.get_by_role("link", name=school_a.name).first).to_be_visible()
    helper.get_by_label("Objectives the two schools will work towards (one a line)").fill(
        "Year 1 teachers watch our phonics lessons\nA shared phonics assessment by Easter"
    )
    helper.get_by_role("button", name="Agree the support").click()
    expect(helper.get_by_text("the school helping agreed")).to_be_visible()
    expect(helper.locator("[data-status]")).to_have_text("Supporter suggested")

    # School A agrees to those objectives: the support is agreed.
    asker.goto(request_url)
    expect(asker.locator("#objectives li")).to_have_count(2)
    asker.get_by_role("button", name="Agree the support").click()
    expect(asker.locator("[data-status]")).to_have_text("Agreed")

    # School B logs a visit: in progress, with the time given.
    helper.goto(request_url)
    log = helper.locator("section.step", has=helper.get_by_role("heading", name="Log time given"))
    log.get_by_label("Date").fill(dt.date.today().isoformat())
    log.get_by_label("What it was").select_option("visit")
    log.get_by_label("Days of staff time").fill("1.5")
    log.get_by_label("Notes").fill("Two teachers watched three lessons")
    log.get_by_role("button", name="Log time given").click()
    expect(helper.locator("[data-status]")).to_have_text("In progress")
    expect(helper.locator("#engagements tbody tr")).to_have_count(1)

    # Both schools review what it was worth.
    for page, benefit, words in (
        (asker, "4 — a lot", "Phonics lessons are tighter"),
        (helper, "3 — some", "We refined ours"),
    ):
        page.goto(request_url)
        review = page.locator("section.step", has=page.get_by_role("heading", name="Review the support"))
        review.get_by_label(benefit).check()
        review.get_by_label("Were the objectives met?").select_option("partly")
        review.get_by_label("What changed, or what your school learnt").fill(words)
        review.get_by_role("button", name="Review the support").click()
        expect(page.get_by_text("Review the support: done.")).to_be_visible()
    expect(helper.locator("[data-status]")).to_have_text("Reviewed")
    expect(helper.locator("#reviews li")).to_have_count(2)
    # The school that helped may not close it; the broker does.
    expect(helper.get_by_role("button", name="Close")).to_have_count(0)
    broker.goto(request_url)
    broker.get_by_role("button", name="Close").click()
    expect(broker.locator("[data-status]")).to_have_text("Closed")
    screenshot(broker, output_dir / "2-closed.png", full_page=True)

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED
    assert help_request.supporter == school_b
    assert help_request.days_given == 1.5
    assert sorted(help_request.reviews.values_list("benefit", flat=True)) == [3, 4]
    # The broker's view counts it.
    broker.goto(f"{base}/help/summary/")
    expect(broker.locator('[data-key="closed"]')).to_have_text("1")
    expect(broker.locator('[data-key="days_given"]')).to_have_text("1.5")
