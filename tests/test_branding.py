"""The centre's branding (curriculum/branding.yml, a course's `branding:`): validated like content, resolved
on the Pack, and shown by the site (logo, colours readable in light and dark mode, the footer's notice)."""

from __future__ import annotations

import os
import re

import pytest

from build_tools.cli import main
from build_tools.content.branding import DEFAULT, svg_problem
from build_tools.content.repository import load_repo
from build_tools.resolve.keys import PackKey
from build_tools.resolve.localize import resolve_pack
from build_tools.site.brand import DARK_BACKGROUND, LIGHT_BACKGROUND, contrast, readable, site_brand

BRANDING = """centre: Regional Centre
logo: {logo}
primary: "#0a5c36"
accent: "#f2c14e"
licence: CC BY-SA 4.0
holder: Regional Centre
year: 2025
"""
GOOD_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
BAD_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "outside image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>',
    "javascript link": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                       '<a x:href="javascript:alert(1)"><rect/></a></svg>',
    "foreign object": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    "outside style": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://example.org/f)"/></svg>',
    "entities": '<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    "not svg": '<html xmlns="http://www.w3.org/1999/xhtml"/>',
    "not xml": "<svg",
}


@pytest.mark.parametrize("name", list(BAD_SVGS))
def test_a_logo_that_is_more_than_a_picture_is_refused(name):
    assert svg_problem(BAD_SVGS[name].encode()), name
    assert svg_problem(GOOD_SVG.encode()) is None


def _check(capsys, root) -> tuple[int, str]:
    code = main(["check", "--root", str(root)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", ["script", "missing", "outside assets", "symlink out", "png"])
@pytest.mark.parametrize("where", ["shared", "course"])
def test_a_wrong_logo_is_reported_at_its_line(minimal_root, tmp_path, capsys, case, where):
    assets = minimal_root / "modules" / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    logo = {"script": "assets/bad.svg", "missing": "assets/none.svg", "outside assets": "assets/../inspection.svg",
            "symlink out": "assets/linked.svg", "png": "assets/logo.png"}[case]
    (assets / "bad.svg").write_text(BAD_SVGS["script"], encoding="utf-8")
    (minimal_root / "modules" / "inspection.svg").write_text(GOOD_SVG, encoding="utf-8")
    (tmp_path / "elsewhere.svg").write_text(GOOD_SVG, encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.svg", assets / "linked.svg")
    (assets / "good.svg").write_text(GOOD_SVG, encoding="utf-8")
    shared = minimal_root / "curriculum" / "branding.yml"
    course = minimal_root / "curriculum" / "sample.yml"
    if where == "shared":
        shared.write_text(BRANDING.format(logo=logo), encoding="utf-8")
        path, line = "curriculum/branding.yml", 2
    else:
        shared.write_text(BRANDING.format(logo="assets/good.svg"), encoding="utf-8")
        text = course.read_text(encoding="utf-8").rstrip("\n") + f"\nbranding:\n  logo: {logo}\n"
        course.write_text(text, encoding="utf-8")
        path, line = "curriculum/sample.yml", text.count("\n")
    code, err = _check(capsys, minimal_root)
    assert code == 1, err
    assert re.search(rf"^{re.escape(path)}:{line}:\d+: error\[(branding-logo|bad-format)\]: .*logo", err, re.M), err
    assert "Traceback" not in err


def test_a_course_changes_only_the_keys_it_gives(minimal_root, capsys):
    (minimal_root / "modules" / "assets").mkdir(parents=True, exist_ok=True)
    (minimal_root / "modules" / "assets" / "good.svg").write_text(GOOD_SVG, encoding="utf-8")
    (minimal_root / "curriculum" / "branding.yml").write_text(BRANDING.format(logo="assets/good.svg"), "utf-8")
    course = minimal_root / "curriculum" / "sample.yml"
    course.write_text(course.read_text("utf-8").rstrip("\n") + '\nbranding:\n  accent: "#aa3300"\n', "utf-8")
    assert _check(capsys, minimal_root)[0] == 0
    pack = resolve_pack(load_repo(minimal_root),
                        PackKey("sample", "labour-inspectors", "agriculture", "HN", "en", "participant"))
    assert (pack.branding.accent, pack.branding.primary, pack.branding.logo) == ("#aa3300", "#0a5c36",
                                                                               "assets/good.svg")


def test_without_a_branding_file_the_default_is_used(minimal_root):
    pack = resolve_pack(load_repo(minimal_root),
                        PackKey("sample", "labour-inspectors", "agriculture", "HN", "en", "participant"))
    assert pack.branding == DEFAULT


@pytest.mark.parametrize("colour", ["#1d3c6e", "#b8860b", "#f2c14e", "#ffffff", "#000000", "#777777", "#ff0000"])
def test_site_colours_are_readable_in_light_and_dark_mode(colour):
    for background in (LIGHT_BACKGROUND, DARK_BACKGROUND):
        assert contrast(readable(colour, background), background) >= 4.5, (colour, background)
    brand = site_brand(DEFAULT.model_copy(update={"primary": colour, "accent": colour}))
    assert contrast(brand["primary_dark"], DARK_BACKGROUND) >= 6 and contrast(brand["accent"], LIGHT_BACKGROUND) >= 4.5


def test_the_site_shows_the_centres_identity(built, repo):
    site = built(PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")) / "site"
    repo_branding = repo.catalogue.branding
    assert repo_branding is not None and repo_branding.logo
    logo = repo_branding.logo.rsplit("/", 1)[-1]
    assert (site / "_static" / logo).is_file()
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(rf'<img class="sidebar-logo coursepack-logo" src="[./]*_static/{re.escape(logo)}"', html), page
        assert f"--color-brand-primary: {readable(repo_branding.primary, LIGHT_BACKGROUND)}" in html, page
        assert re.search(rf"© \d{{4}} {re.escape(repo_branding.holder)} · {re.escape(repo_branding.licence)}",
                         html), page
        assert "Made with" not in html and "Copyright" not in html, page
