"""Escaping, unit by unit, with expectations written by hand: Markdown values, web addresses, XML, CSS strings,
GIFT, the trainer-text sandbox's ``finalize`` over every context variable, and raw HTML on the print path.
No Sphinx, no WeasyPrint: milliseconds."""

from __future__ import annotations

import html
import string
from types import SimpleNamespace

import pytest

from build_tools.content import model as m
from build_tools.content.lint import FILTERS, VARIABLES
from build_tools.i18n.labels import load_labels
from build_tools.printing.manuals import _css_string
from build_tools.render.markdown import MySTSafe, md_escape, md_url
from build_tools.printing.mdhtml import myst_to_html
from build_tools.export.questionbank import gift_escape, gift_text
from build_tools.render.pages import TrainerText, template_env
from build_tools.export.xmlout import El, escape, to_bytes

from .conftest import REPO

HOSTILE = "Bangla **desh** [x](https://evil.example)"
ESCAPED = r"Bangla \*\*desh\*\* \[x\]\(https\:\/\/evil\.example\)"
"""HOSTILE through md_escape, by hand: every ASCII punctuation character gets a backslash."""


# --------------------------------------------------------------------------- md_escape, md_url


def test_md_escape_backslashes_every_ascii_punctuation_character():
    punctuation = """!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"""
    assert len(punctuation) == 32
    for c in punctuation:
        assert md_escape(c) == "\\" + c, c
    assert md_escape(punctuation) == "".join("\\" + c for c in punctuation)
    assert set(punctuation) == set(string.punctuation)


@pytest.mark.parametrize("value, expected", [
    (HOSTILE, ESCAPED),
    ("Intro <script>alert(1)</script>", r"Intro \<script\>alert\(1\)\<\/script\>"),
    ("{{ 7*7 }}", r"\{\{ 7\*7 \}\}"),
    ("# heading\n\n- item\n```code", r"\# heading \- item \`\`\`code"),  # folded to one line
    ("  spaced\tout \n", "spaced out"),
    ("Côte d’Ivoire – «zones» 2024", "Côte d’Ivoire – «zones» 2024"),  # not ASCII: left alone
    (None, ""),
    (1972, "1972"),
])
def test_md_escape(value, expected):
    assert md_escape(value) == expected


def test_myst_safe_text_passes_unchanged():
    text = MySTSafe("**bold** [link](https://ilo.org)\n\n- item")
    assert md_escape(text) is text


@pytest.mark.parametrize("url, expected", [
    ("https://normlex.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO",
     "https://normlex.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO"),
    ("http://example.org/a b)c<d>", "http://example.org/a%20b%29c%3Cd%3E"),
    ("https://example.org/[x](y)", "https://example.org/[x]%28y%29"),
])
def test_md_url_encodes_what_would_end_a_link(url, expected):
    assert md_url(url) == expected
    assert isinstance(md_url(url), MySTSafe)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                 "//evil.example/x", "mailto:a@b.example", "evil.example"])
def test_md_url_refuses_anything_but_the_web(url):
    with pytest.raises(ValueError):
        md_url(url)


# --------------------------------------------------------------------------- XML, CSS, GIFT


@pytest.mark.parametrize("text, attribute, expected", [
    ("a < b && c > d", False, "a &lt; b &amp;&amp; c &gt; d"),
    ('say "hi"\nnow\t\r', False, 'say "hi"\nnow\t\r'),
    ('say "hi"\nnow\t\r', True, "say &quot;hi&quot;&#10;now&#9;&#13;"),
    ("bell\x07 nul\x00 ok\ufffe", False, "bell nul ok"),
    ("&amp;", False, "&amp;amp;"),
])
def test_xml_escape(text, attribute, expected):
    assert escape(text, attribute=attribute) == expected


def test_xml_document_escapes_text_and_attributes():
    root = El("a", {"title": '"><b x="'}, text="</a><script>")
    assert to_bytes(root) == b'<?xml version="1.0" encoding="UTF-8"?>\n' \
                             b'<a title="&quot;&gt;&lt;b x=&quot;">&lt;/a&gt;&lt;script&gt;</a>\n'


@pytest.mark.parametrize("text, expected", [
    ('Page "1"', '"Page \\"1\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("two\nlines", '"two lines"'),
    ('x" } body { display: none', '"x\\" } body { display: none"'),
])
def test_css_string(text, expected):
    assert _css_string(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("a=b~c#d{e}f:g\\h", "a\\=b\\~c\\#d\\{e\\}f\\:g\\\\h"),
    ("plain text", "plain text"),
])
def test_gift_escape(text, expected):
    assert gift_escape(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("[html] <b>x</b>", "&\\#91;html] &lt;b&gt;x&lt;/b&gt;"),  # "#" escaped for GIFT too
    ("%50% half", "&\\#37;50% half"),
    ("a & b\n  c", "a &amp; b c"),
])
def test_gift_text(text, expected):
    assert gift_text(text) == expected


# --------------------------------------------------------------------------- the trainer-text sandbox


def _trainer_text() -> TrainerText:
    """The real renderer of trainer text, over a pack whose every context value is hostile (built without
    validation: the sandbox must escape whatever reaches it)."""
    labels = load_labels(REPO / "templates", "en")
    not_ratified = m.Ratification.model_construct(status="not-ratified", source="https://example.org", as_of="2024-05")
    country = m.Country.model_construct(code=HOSTILE, name=HOSTILE, region="asia-pacific", languages=["bn"],
                                        ratifications={"C081": not_ratified},
                                        epz=m.CountryFact.model_construct(text=HOSTILE, verified=True), notes=[],
                                        facts={"inspection": m.Fact.model_construct(
                                            text=HOSTILE, cite=HOSTILE, source="https://example.org",
                                            as_of="2024-05", verified=True)})
    pack = SimpleNamespace(country=country, region=m.Region.model_construct(id="asia-pacific", title=HOSTILE),
                           audience=SimpleNamespace(title=HOSTILE), sector=SimpleNamespace(title=HOSTILE),
                           course=m.Course.model_construct(title=HOSTILE, centre=HOSTILE))
    return TrainerText(SimpleNamespace(), pack, labels)


EXPRESSIONS = {
    ("country", "name"): ("country.name", ESCAPED),
    ("country", "code"): ("country.code", ESCAPED),
    ("country", "region"): ("country.region", ESCAPED),
    ("country", "epz"): ("country.epz", ESCAPED),
    ("country", "ratification"): ("country.ratification('C081')", r"not ratified \(as of May 2024\)"),
    ("country", "fact"): ("country.fact('inspection')", ESCAPED),
    ("country", "source"): ("country.source('inspection')", ESCAPED + r"\, as of May 2024"),
    ("audience", "title"): ("audience.title", ESCAPED),
    ("sector", "title"): ("sector.title", ESCAPED),
    ("course", "title"): ("course.title", ESCAPED),
    ("course", "centre"): ("course.centre", ESCAPED),
}
"""Every declared context variable, the expression that uses it, and its rendered text, by hand."""


def test_every_declared_variable_is_covered():
    assert set(EXPRESSIONS) == {(name, attr) for name, attrs in VARIABLES.items() for attr in attrs}
    assert FILTERS == {"lower", "upper", "capitalize"}


@pytest.mark.parametrize("variable", sorted(EXPRESSIONS), ids=".".join)
def test_sandbox_escapes_every_context_variable(variable):
    expression, expected = EXPRESSIONS[variable]
    render = _trainer_text()
    text = render("m", ("sessions", 0, "body"), f"In {{{{ {expression} }}}}, *as written*.")
    assert text == f"In {expected}, *as written*.\n"
    fragment = myst_to_html(text)
    assert fragment.count("<em>") == 1 and "<strong>" not in fragment and "<a " not in fragment, fragment
    if expected == ESCAPED:
        assert HOSTILE in html.unescape(fragment)
    for filter_, expected_filtered in (("upper", r"BANGLA \*\*DESH\*\* \[X\]\(HTTPS\:\/\/EVIL\.EXAMPLE\)"),
                                       ("lower", r"bangla \*\*desh\*\* \[x\]\(https\:\/\/evil\.example\)"),
                                       ("capitalize", r"Bangla \*\*desh\*\* \[x\]\(https\:\/\/evil\.example\)")):
        if expected == ESCAPED:
            assert render("m", ("sessions", 0, "body"), f"{{{{ {expression}|{filter_} }}}}") == expected_filtered + "\n"


def test_sandbox_keeps_trainer_markup():
    """Only the values are escaped: the trainer's own Markdown stays Markdown."""
    text = _trainer_text()("m", ("sessions", 0, "body"), "## Heading\n\n**bold** [ILO](https://ilo.org)")
    assert text == "## Heading\n\n**bold** [ILO](https://ilo.org)\n"


def test_page_templates_escape_glossary_terms():
    """The glossary page inserts terms, definitions and sources through the page templates' ``finalize``."""
    labels = load_labels(REPO / "templates", "en")
    term = m.Term.model_construct(term=HOSTILE, definition=HOSTILE + " <script>x</script>", source=HOSTILE)
    page = template_env(REPO / "templates").get_template("page-glossary.md.j2").render(
        pack=SimpleNamespace(glossary=[term]), L=labels)
    assert f"**{ESCAPED}**\n: {ESCAPED} \\<script\\>x\\<\\/script\\> *({ESCAPED})*" in page
    fragment = myst_to_html(page)
    assert "<a " not in fragment and "<script" not in fragment and fragment.count("<strong>") == 1


# --------------------------------------------------------------------------- raw HTML on the print path


@pytest.mark.parametrize("myst, shown", [
    ('<div onclick="steal()">block <b>b</b></div>\n', '<div onclick="steal()">block <b>b</b></div>'),
    ("<script>alert(1)</script>\n", "<script>alert(1)</script>"),
    ('Text <img src="x" onerror="alert(1)"> and <b>inline</b>.\n',
     'Text <img src="x" onerror="alert(1)"> and <b>inline</b>.'),
    ("<!-- comment -->\n", "<!-- comment -->"),
    (':::{note}\n<iframe src="https://evil.example"></iframe>\n:::\n',
     '<iframe src="https://evil.example"></iframe>'),
])
def test_print_path_shows_raw_html_as_text(myst, shown):
    """Raw HTML that got past the lint (a translation, a future change) is text in the manuals, never markup."""
    fragment = str(myst_to_html(myst))
    for tag in ("<div", "<b>", "<script", "<img", "<iframe", "<!--"):
        assert tag not in fragment, fragment
    assert shown in html.unescape(fragment)
