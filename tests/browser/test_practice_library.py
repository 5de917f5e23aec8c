"""In a real browser: a school leader shares an idea, a leader of another school finds it by
searching in their own words, and comments on it; the author sees the comment."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from evenbetter.accounts.models import User
from evenbetter.practice.models import Comment, PracticeItem
from evenbetter.schools.models import School
from tests.browser.conftest import screenshot, signed_in_page


@pytest.mark.django_db(transaction=True)
def test_share_find_and_comment(
    live_server,
    browser: Browser,
    school_a: School,
    school_leader_a: User,
    school_leader_b: User,
    output_dir: Path,
) -> None:
    base = live_server.url
    author = signed_in_page(browser, base, "school_leader_a")
    author.get_by_role("link", name="Practice", exact=True).click()
    author.get_by_role("link", name="Share an idea, story or activity").click()
    author.get_by_label("The school behind it").select_option(str(school_a.pk))
    author.get_by_label("Story").check()
    author.get_by_label("Title").fill("A book club that got our Year 5 boys reading")
    author.get_by_label("In a sentence or two").fill("Reading buddies and a book swap shelf doubled borrowing.")
    author.get_by_label("The whole of it").fill(
        "We asked the boys what they wanted: **football biographies** and graphic novels.\n\n- weekly club\n- buddies"
    )
    author.get_by_label("Early reading and phonics").check()
    author.get_by_label("Phase").select_option("primary")
    author.get_by_role("button", name="Share it").click()
    expect(author.get_by_text("is shared. Thank you.")).to_be_visible()
    expect(author.locator("article.practice-body strong")).to_have_text("football biographies")
    item = PracticeItem.objects.get()

    # Another school's leader finds it in words of their own, not the item's.
    reader = signed_in_page(browser, base, "school_leader_b", home=False)
    reader.goto(f"{base}/practice/")
    reader.get_by_label("Search").fill("getting lads to enjoy stories")
    reader.get_by_role("button", name="Search", exact=True).click()
    first = reader.locator("#results .practice-card h3 a").first
    expect(first).to_have_text("A book club that got our Year 5 boys reading")
    screenshot(reader, output_dir / "search.png", full_page=True)
    first.click()
    reader.get_by_label("Your comment").fill("We will try the book swap shelf next term.")
    reader.get_by_role("button", name="Comment").click()
    expect(reader.get_by_text("Comment added.")).to_be_visible()
    expect(reader.locator("#comments")).to_contain_text("We will try the book swap shelf next term.")

    author.goto(f"{base}{item.get_absolute_url()}")
    expect(author.locator("#comments")).to_contain_text("We will try the book swap shelf next term.")
    screenshot(author, output_dir / "item.png", full_page=True)
    assert Comment.objects.get().author == school_leader_b
