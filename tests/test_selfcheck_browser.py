"""Self-checks in a real browser: answered with the keyboard alone, feedback read from the live region,
no serious accessibility violation (tests/roots/secrets, beta one: its `practice` item is a self-check whose
second choice is right; its `second` item is a facilitator question and stays a plain list)."""

from __future__ import annotations

import shutil

import pytest

from build_tools.cli import main

from .browser import browser_page
from .conftest import REPO, ROOTS

PACK = "secrets.labour-inspectors.garment-textile.bd.en"
PAGE = "modules/beta/beta-one.html"
RIGHT = ["Right.", "Self-check choice feedback zqxselfcheckchoicefeedbackbqzx.",
         "Self-check item feedback zqxselfcheckfeedbackqzx."]
WRONG = ["Not quite.", "Self-check choice feedback zqxselfcheckchoicefeedbackaqzx.",
         "Self-check item feedback zqxselfcheckfeedbackqzx."]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("selfcheck") / "repo"
    shutil.copytree(ROOTS / "secrets", root)
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["build", "secrets", "--root", str(root), "--edition", "participant", "--format", "html"]) == 0
    return root / "_build" / f"{PACK}.participant" / "site"


def _serious(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v.get("impact") in ("serious", "critical")]


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the focused element matches ``selector``: the keyboard's way there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.getAttribute('role') + ':' + document.activeElement.textContent.trim()")


def test_a_self_check_is_answered_with_the_keyboard_and_its_feedback_read_from_the_live_region(site):
    with browser_page() as b:
        b.page.goto(f"{site.resolve().as_uri()}/{PAGE}")
        b.page.wait_for_load_state("load")
        groups = b.page.locator("[role=radiogroup]")
        assert groups.count() == 1  # the facilitator question stays a list
        group = groups.first
        assert "zqxpublicselfcheckqzx" in b.page.locator("#" + group.get_attribute("aria-labelledby")).inner_text()
        live = b.page.locator(".selfcheck-feedback")
        assert live.get_attribute("aria-live") == "polite" and live.inner_text() == ""
        assert "zqxselfcheck" not in b.page.locator("body").inner_text()  # nothing shown before answering

        tab_to(b.page, "[role=radio]")
        assert focused(b.page).startswith("radio:a)")  # one tab stop: the first choice
        b.page.keyboard.press("ArrowDown")
        assert focused(b.page).startswith("radio:b)")
        assert group.locator("[aria-checked=true]").inner_text().startswith("b)")
        if "zqxpublicselfchoicebqzx" not in focused(b.page):  # the pack orders the options its own way
            b.page.keyboard.press("ArrowDown")  # past the last option: back to the first
        assert "zqxpublicselfchoicebqzx" in focused(b.page)
        b.page.keyboard.press("Tab")
        assert b.page.evaluate("() => document.activeElement.className") == "selfcheck-check"
        b.page.keyboard.press("Enter")
        b.page.wait_for_function("() => document.querySelector('.selfcheck-feedback').textContent !== ''")
        assert live.inner_text() == " ".join(RIGHT)

        b.page.keyboard.press("Shift+Tab")  # back into the group, on the checked choice
        assert "zqxpublicselfchoicebqzx" in focused(b.page)
        b.page.keyboard.press("ArrowDown")  # two options: the other one
        b.page.keyboard.press("Enter")
        assert "zqxpublicselfchoiceaqzx" in group.locator("[aria-checked=true]").inner_text()
        b.page.keyboard.press("Tab")
        b.page.keyboard.press("Enter")
        assert live.inner_text() == " ".join(WRONG)
        assert not b.console_errors, "\n".join(b.console_errors)
        problems = _serious(b.axe())  # (axe reads the stylesheets, which file:// refuses it: after the check above)
        assert not problems, problems


def test_print_shows_the_questions_as_a_list_without_the_widget(site):
    with browser_page() as b:
        b.page.goto(f"{site.resolve().as_uri()}/{PAGE}")
        b.page.wait_for_load_state("load")
        b.page.emulate_media(media="print")
        assert not b.page.locator(".selfcheck-check").is_visible()
        text = b.page.locator("body").inner_text()
        assert "zqxpublicselfchoiceaqzx" in text and "zqxselfcheck" not in text
