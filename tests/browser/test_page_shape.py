"""The walk's page shape: the same for what axe cannot tell apart, different for what it can."""

from __future__ import annotations

from tests.browser.page_shape import page_shape, pages_to_open

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<header><nav aria-label="Main"><a href="/">Home</a>{nav}</nav></header>
<main id="main"><h1>{heading}</h1>
<table class="figures"><caption>Results</caption><tr><th scope="col">School</th></tr>{rows}</table>
<a href="/schools/{urn}/" class="button">{link}</a>
<label for="{label_for}">Year</label><input id="year" name="year">
{extra}</main><footer>Even Better</footer></body></html>"""


def page(**changes: str) -> str:
    values = {
        "title": "Alton Infant School",
        "nav": "",
        "heading": "Alton Infant School",
        "rows": "<tr><td>Alton</td></tr>" * 3,
        "urn": "115893",
        "link": "Open",
        "label_for": "year",
        "extra": "",
    }
    return PAGE.format(**{**values, **changes})


def test_words_figures_addresses_and_row_counts_leave_the_shape_alone() -> None:
    other = page(
        title="Bordon Junior",
        heading="Bordon Junior School",
        rows="<tr><td>Bordon</td></tr>" * 7,
        urn="116000",
        link="See the school",
    )
    assert page_shape(page()) == page_shape(other)


def test_an_empty_link_or_heading_is_a_new_shape() -> None:
    assert page_shape(page(link="")) != page_shape(page())
    assert page_shape(page(heading=" ")) != page_shape(page())


def test_a_duplicated_id_or_a_label_pointing_at_nothing_is_a_new_shape() -> None:
    assert page_shape(page(extra='<p id="year">again</p>')) != page_shape(page(extra='<p id="month">once</p>'))
    assert page_shape(page(label_for="month")) != page_shape(page())


def test_a_new_class_role_or_attribute_is_a_new_shape() -> None:
    assert page_shape(page(extra='<p class="warning">!</p>')) != page_shape(page(extra='<p class="note">!</p>'))
    assert page_shape(page(extra='<div role="alert">!</div>')) != page_shape(page(extra="<div>!</div>"))
    assert page_shape(page(extra='<img src="/a.png" alt="">')) != page_shape(page(extra='<img src="/a.png" alt="A">'))


def test_the_frame_and_the_main_part_are_told_apart() -> None:
    frame, main = page_shape(page())
    other_frame, other_main = page_shape(page(nav='<a href="/data/" aria-current="page">Data &amp; admin</a>'))
    assert main == other_main
    assert frame != other_frame
    assert page_shape("<!doctype html><html><body><p>No main</p></body></html>")[1] == "no main"


def test_the_pages_opened_check_every_frame_and_every_main_part_with_as_few_pages_as_can() -> None:
    # Opened when new in this order, the first three would all be opened (a new pair, a new main
    # part, a new frame); the second and third alone check both frames and both main parts.
    shapes = [("frame 1", "main 1"), ("frame 1", "main 2"), ("frame 2", "main 1"), ("frame 2", "main 2")]
    assert pages_to_open(shapes) == [1, 2]


def test_a_frame_or_main_part_seen_on_one_page_only_is_always_opened() -> None:
    shapes = [("frame 1", "main 1"), ("frame 1", "main 2"), ("frame 1", "main 3"), ("frame 2", "main 1")]
    chosen = pages_to_open(shapes)
    assert {shapes[index][0] for index in chosen} == {"frame 1", "frame 2"}
    assert {shapes[index][1] for index in chosen} == {"main 1", "main 2", "main 3"}
    assert len(chosen) == 3  # the frame seen once rides with main 1; main 2 and 3 need a page each
    assert 3 in chosen and pages_to_open([("frame", "main")] * 5) == [0] and pages_to_open([]) == []


def test_a_frame_can_give_up_its_main_part_to_another_frame() -> None:
    # The first pairing (frame 1 with main 1) must move to main 2 for frame 2 to be paired too.
    shapes = [("frame 1", "main 1"), ("frame 2", "main 1"), ("frame 1", "main 2")]
    assert pages_to_open(shapes) == [1, 2]
