"""The glossary: every term with its plain-English definition, at an anchor that
``{% term %}`` links to; a term the glossary lacks is an error, not a dead link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from evenbetter.vocabulary.glossary import GLOSSARY

# Same on any database: the glossary's terms and anchors: templates, no query of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]


@pytest.mark.parametrize("persona", ["anonymous", "governor"])
def test_the_glossary_defines_every_term_at_its_anchor(persona: str, client_for: Callable[[str], Client]) -> None:
    html = client_for(persona).get(reverse("glossary")).content.decode()
    for entry in GLOSSARY:
        assert f'<dt id="{entry.slug}">{entry.term}</dt>' in html


def test_the_terms_a_page_needs_are_in_the_glossary() -> None:
    slugs = {entry.slug for entry in GLOSSARY}
    assert len(slugs) == len(GLOSSARY)  # one anchor each
    needed = {
        "family",
        "even-better-target",
        "percentile",
        "early-warning-band",
        "leading-indicator",
        "confidence",
        "brokerage",
    }
    assert needed <= slugs


def test_a_term_links_to_its_definition() -> None:
    html = Template('{% load glossary %}{% term "percentile" %} · {% term "family" "similar schools" %}').render(
        Context()
    )
    assert html == (
        f'<a class="term" href="{reverse("glossary")}#percentile">percentile</a> · '
        f'<a class="term" href="{reverse("glossary")}#family">similar schools</a>'
    )


def test_a_term_the_glossary_lacks_is_an_error() -> None:
    with pytest.raises(TemplateSyntaxError, match='no term "log-odds"'):
        Template('{% load glossary %}{% term "log-odds" %}').render(Context())


def test_every_page_links_to_the_glossary_from_its_footer(client_for: Callable[[str], Client]) -> None:
    assert (
        f'href="{reverse("glossary")}"'
        in client_for("school_leader_a").get(reverse("school_directory")).content.decode()
    )
