"""SCORM scoring under a real runtime (scorm-again, tests/node): self-check answers reported as score, pass/fail
and interactions; answers and place resumed on the next launch; links to other SCOs go through the LMS.

The sample pack's session "anatomy of a supply chain" has two self-checks. The harness plays the LMS as in
tests/test_export_browser.py, and can start a launch with the data an LMS kept from the last one.
"""

from __future__ import annotations

import json
import shutil

import pytest

from .browser import NODE_MODULES, browser_page
from .test_export import SAMPLE, exported, manifest_of
from .test_export_browser import RUNTIMES, TIMEOUT_MS, serve, unpack

SESSION = "modules/global-supply-chains/anatomy-of-a-supply-chain.html"
MASTERY = 80

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS harness</title><link rel="icon" href="data:,">
<script src="{script}"></script>
<script>
  window.calls = [];
  window.launch = function (kept, page) {{
    var api = window.{api} = new {cls}({{autocommit: false, logLevel: 5}});
    if (kept) {{ api.loadFromJSON(kept); }}
    {calls}.forEach(function (name) {{
      var original = api[name];
      api[name] = function () {{
        var result = original.apply(api, arguments);
        calls.push([name, Array.prototype.slice.call(arguments), String(result), String(api.{error}())]);
        return result;
      }};
    }});
    document.getElementById('sco').src = page;
  }};
</script></head>
<body><iframe id="sco" title="SCO" style="width: 400px; height: 600px; border: 0"></iframe></body></html>
"""

VALUES = {  # what each version calls the values the tests read back
    "scorm12": {"raw": "core.score.raw", "min": "core.score.min", "max": "core.score.max",
                "success": "core.lesson_status", "location": "core.lesson_location", "response": "student_response",
                "wrong": "wrong"},
    "scorm2004": {"raw": "score.raw", "min": "score.min", "max": "score.max", "success": "success_status",
                  "location": "location", "response": "learner_response", "wrong": "incorrect"},
}


@pytest.fixture(params=list(RUNTIMES))
def lms(request, repo, tmp_path_factory, tmp_path):
    fmt = request.param
    rt = RUNTIMES[fmt]
    unpack(exported(repo, tmp_path_factory, SAMPLE, fmt), tmp_path / "pkg")
    shutil.copy(NODE_MODULES / "scorm-again" / "dist" / rt["script"], tmp_path / rt["script"])
    (tmp_path / "harness.html").write_text(HARNESS.format(
        script=rt["script"], api=rt["global"], cls=rt["cls"], calls=rt["calls"], error=rt["error"]), encoding="utf-8")
    with serve(tmp_path) as origin, browser_page() as b:
        b.page.set_default_timeout(TIMEOUT_MS)
        b.page.goto(f"{origin}/harness.html")
        yield Lms(fmt, b, origin, tmp_path / "pkg")


class Lms:
    def __init__(self, fmt, browser, origin, pkg):
        self.fmt, self.b, self.origin, self.pkg = fmt, browser, origin, pkg
        self.api = f"window.{RUNTIMES[fmt]['global']}"
        self.v = VALUES[fmt]

    def launch(self, page: str = SESSION, kept: dict | None = None):
        self.b.page.evaluate("([kept, page]) => launch(kept, page)", [kept, f"pkg/{page}"])
        self.b.page.wait_for_function(f"() => {self.api} && {self.api}.isInitialized()")
        frame = self.b.page.frame(url=lambda u: u.endswith(page))
        frame.wait_for_function("() => document.readyState === 'complete'")
        return frame

    def cmi(self, name: str) -> str:
        return self.b.page.evaluate(f"() => String({self.api}.cmi.{name})")

    def interactions(self) -> list[list[str]]:
        """The interactions as the LMS received them: the values set, by number (1.2's are write-only)."""
        found: dict[int, dict[str, str]] = {}
        for name, args, result, _ in self.b.page.evaluate("() => calls"):
            if name in ("LMSSetValue", "SetValue") and args[0].startswith("cmi.interactions.") and result == "true":
                _, _, n, field = args[0].split(".", 3)
                found.setdefault(int(n), {})[field] = args[1]
        return [[i["id"], i["type"], i[self.v["response"]], i["result"], i["correct_responses.0.pattern"]]
                for _, i in sorted(found.items())]

    def leave(self):
        self.b.page.evaluate("() => document.getElementById('sco').src = 'about:blank'")
        self.b.page.wait_for_function(f"() => {self.api}.isTerminated()")

    def errors(self) -> list:
        calls = self.b.page.evaluate("() => calls")
        return [c for c in calls if c[3] != "0" or (c[0] not in ("LMSGetValue", "GetValue") and c[2] != "true")]


def answer(frame, wrong: set[int] = frozenset()) -> list[dict]:
    """Answer every self-check of the page, right except the ones numbered in ``wrong``; return the items."""
    items = frame.evaluate("() => window.coursepackSelfChecks.items")
    assert len(items) == 2
    for n, item in enumerate(items):
        choice = item["key"][0] if n not in wrong else (item["key"][0] + 1) % len(item["choices"])
        group = frame.locator("[role=radiogroup]").nth(n)
        group.locator("[role=radio]").nth(choice).click()
        frame.locator(".selfcheck-check").nth(n).click()
        item["chosen"] = choice
    return items


def test_the_manifests_state_the_mastery_score(package_of_each_format):
    for fmt, root in package_of_each_format.items():
        ns = {"adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "imsss": "http://www.imsglobal.org/xsd/imsss"}
        path = ".//adlcp:masteryscore" if fmt == "scorm12" else ".//imsss:minNormalizedMeasure"
        values = [e.text for e in root.iterfind(path, ns)]
        assert values and set(values) == {str(MASTERY) if fmt == "scorm12" else f"{MASTERY / 100:.2f}"}, fmt


@pytest.fixture
def package_of_each_format(repo, tmp_path_factory):
    return {fmt: manifest_of(exported(repo, tmp_path_factory, SAMPLE, fmt)) for fmt in RUNTIMES}


def test_all_right_scores_100_and_passes(lms):
    frame = lms.launch()
    items = answer(frame)
    lms.b.page.wait_for_function(f"() => {lms.api}.cmi.{lms.v['success']} === 'passed'")
    assert [lms.cmi(lms.v[k]) for k in ("raw", "min", "max")] == ["100", "0", "100"]
    if lms.fmt == "scorm2004":
        assert lms.cmi("score.scaled") == "1"
    letters = "abcdefghij"
    assert lms.interactions() == [[i["id"], "choice", letters[i["chosen"]], "correct", letters[i["key"][0]]]
                                  for i in items]
    lms.leave()
    assert not lms.errors()


def test_some_wrong_scores_the_share_and_fails_below_mastery_then_resumes(lms):
    frame = lms.launch()
    items = answer(frame, wrong={1})
    lms.b.page.wait_for_function(f"() => {lms.api}.cmi.{lms.v['success']} === 'failed'")
    assert lms.cmi(lms.v["raw"]) == "50"
    results = [i[3] for i in lms.interactions()]
    assert results == ["correct", lms.v["wrong"]]
    frame.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    frame.wait_for_timeout(300)
    frame.evaluate("() => window.dispatchEvent(new Event('scroll'))")
    lms.b.page.wait_for_function(f"() => Number({lms.api}.cmi.{lms.v['location']}) > 0")
    lms.leave()
    assert not lms.errors()
    kept = {"suspend_data": lms.cmi("suspend_data")}
    location = lms.cmi(lms.v["location"])
    kept.update({"core": {"lesson_location": location}} if lms.fmt == "scorm12" else {"location": location})

    again = lms.launch(kept=kept)  # the next launch, with what the LMS kept
    checked = again.evaluate("() => [...document.querySelectorAll('[role=radiogroup]')].map("
                             "g => [...g.querySelectorAll('[role=radio]')].findIndex(r => r.getAttribute('aria-checked') === 'true'))")
    assert checked == [i["chosen"] for i in items]
    again.wait_for_function("() => window.pageYOffset > 0")  # back where the participant was
    assert "Not quite." in again.locator(".selfcheck-feedback").nth(1).inner_text()
    assert not lms.errors()


def test_every_link_to_another_sco_goes_through_the_lms(lms):
    """Each SCO page: every link whose target is another SCO is routed through the LMS (2004: a navigation
    request; 1.2: no longer a link); following the next-page link ends the SCO cleanly, no API error."""
    from lxml import etree

    resources = etree.parse(str(lms.pkg / "imsmanifest.xml")).getroot().iter("{*}resource")
    scos = sorted(r.get("href") for r in resources if "sco" in {v for k, v in r.attrib.items() if k.endswith(
        ("scormtype", "scormType"))})
    assert len(scos) > 3
    for page in scos:
        frame = lms.launch(page)
        links = frame.evaluate("""() => [...document.querySelectorAll('a')].map(a => [
            a.getAttribute('href') === null ? null : a.href.split('#')[0], a.getAttribute('data-coursepack-sco')])""")
        base = f"{lms.origin}/pkg/"
        plain = [href for href, routed in links if href and not routed and href[len(base):] in scos
                 and href != f"{base}{page}"]
        assert not plain, (page, plain)
        routed = [r for _, r in links if r]
        assert routed, page  # the navigation lists the other sessions
        if lms.fmt == "scorm12":
            assert all(href is None for href, r in links if r)
        nxt = frame.locator("a.next-page[data-coursepack-sco]")
        if nxt.count():
            target = nxt.first.get_attribute("data-coursepack-sco")
            nxt.first.click()
            if lms.fmt == "scorm2004":
                lms.b.page.wait_for_function(f"() => {lms.api}.isTerminated()")
                assert lms.b.page.evaluate(f"() => {lms.api}.adl.nav.request") == "{target=" + target + "}choice"
            else:
                frame.wait_for_timeout(100)
                assert frame.url.endswith(page)  # nothing happened: the LMS's own menu moves on
        if not lms.b.page.evaluate(f"() => {lms.api}.isTerminated()"):
            lms.leave()
        assert not lms.errors(), page


@pytest.mark.parametrize("fmt", sorted(RUNTIMES))
@pytest.mark.parametrize("score", [0, 65, 100])
def test_the_manifest_states_the_course_s_own_mastery_score(repo, fmt, score):
    """A course that sets ``mastery_score`` gets it in the manifest, not the default."""
    import dataclasses

    from build_tools.export.scorm import manifest
    from build_tools.export.xmlout import to_bytes
    from build_tools.resolve.pack import resolve

    pack = resolve(repo.catalogue, SAMPLE)
    pack = dataclasses.replace(pack, course=pack.course.model_copy(update={"mastery_score": score}))
    text = to_bytes(manifest(pack, [], fmt)).decode()
    expected = f"<adlcp:masteryscore>{score}</adlcp:masteryscore>" if fmt == "scorm12" \
        else f"<imsss:minNormalizedMeasure>{score / 100:.2f}</imsss:minNormalizedMeasure>"
    assert expected in text
