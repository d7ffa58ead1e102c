"""The manuals' typography is the site's: quotes of the pack's language, dashes and ellipses, and nothing that
changes what a citation says ("Art. 15(c)" stays "Art. 15(c)", never "Art. 15©")."""

from __future__ import annotations

import html
import re

import pdfplumber
import pytest
from docutils.utils.smartquotes import smartyPants

from build_tools.printing.mdhtml import myst_to_html
from build_tools.resolve.keys import PackKey

# Every trigger of markdown-it's "replacements" rule, each a text that must print as written.
AS_WRITTEN = ["Art. 15(c)", "(C) and (c)", "(r) (R)", "(tm) (TM)", "(p)", "+-5", "Why??????", "Yes!!!!!",
              "a,, b"]
# Text whose typography docutils' SmartQuotes (what Sphinx applies to the site) decides.
# (Apostrophes are left out: docutils sets one as a closing quote of the language, "workers”" in French;
# the print path keeps the apostrophe, see the test below.)
TYPOGRAPHY = ['He said "stop" and left.', "an 'own' union", "pages 3--5, then --- a break",
              "and so on...", "Why?...", '"quoted", \'single\' -- dash']


def _plain(fragment) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(fragment))).strip()


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
@pytest.mark.parametrize("text", AS_WRITTEN)
def test_no_replacement_changes_what_the_text_says(text, language):
    assert _plain(myst_to_html(text, language=language)) == text


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
@pytest.mark.parametrize("text", TYPOGRAPHY)
def test_quotes_dashes_and_ellipses_are_those_of_the_site(text, language):
    from docutils.utils.smartquotes import smartchars

    expected = smartyPants(text, attr="qDe", language=language) if language in smartchars.quotes else text
    assert _plain(myst_to_html(text, language=language)) == html.unescape(expected)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_an_apostrophe_is_an_apostrophe(language):
    assert _plain(myst_to_html("the workers' union", language=language)) == "the workers\u2019 union"


def test_french_quotes_are_guillemets_with_no_break_spaces():
    assert _plain(myst_to_html('la "norme"', language="fr")) == "la «\u00a0norme\u00a0»"


def test_a_citation_prints_as_written_in_the_manual(built):
    """labour-inspection's facilitator notes cite C081 Art. 15(c); the guide prints it as the module says it."""
    folder = built(PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator"),
                   ("html", "pdf"))
    with pdfplumber.open(folder / "facilitator-guide.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Art. 15(c)" in text.replace("\n", " ")
    assert "©" not in text and "®" not in text and "™" not in text
