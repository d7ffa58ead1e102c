"""The pages coursepack's tools write (serve's picker and error page, the matrix catalogue) escape every value
they show: each field in turn gets a value holding markup, which must come out as text."""

from __future__ import annotations

import pytest

from build_tools.matrix.jobs import JobResult, write_catalogue
from build_tools.render.toolpages import tool_page
from build_tools.resolve.keys import DIMENSIONS

HOSTILE = '"><script>alert(1)</script>&'
ESCAPED = "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"


def _picker(**changed) -> str:
    values = dict(fields=[{"dim": dim, "label": dim.title(), "current": "x", "options": [("x", "X")]}
                          for dim in DIMENSIONS],
                  errors=["modules/a.yml:1:1: error[x]: fine"], page="index.html", pack_id="a.b", api="/_coursepack/",
                  version=1, pdf_url="/a.b/participant-manual.pdf")
    values.update(changed)
    return tool_page("build_tools.serve", "serve-picker.html.j2", **values)


@pytest.mark.parametrize("field", ["errors", "page", "pack_id", "pdf_url", "label", "option value", "option name"])
def test_the_serve_picker_escapes_every_value(field):
    fields = [{"dim": "country", "label": "Country", "current": "x", "options": [("x", "X")]}]
    if field == "label":
        fields[0]["label"] = HOSTILE
    elif field == "option value":
        fields[0]["options"] = [(HOSTILE, "X")]
    elif field == "option name":
        fields[0]["options"] = [("x", HOSTILE)]
    changed = {"fields": fields}
    if field in ("errors",):
        changed["errors"] = [HOSTILE]
    elif field in ("page", "pack_id", "pdf_url"):
        changed[field] = HOSTILE
    page = _picker(**changed)
    assert HOSTILE not in page and "<script>alert" not in page
    assert ESCAPED in page


@pytest.mark.parametrize("field", ["errors", "back_url", "pack_id"])
def test_the_serve_error_page_escapes_every_value(field):
    values = dict(errors=["modules/a.yml:1:1: error[x]: fine"], api="/_coursepack/", version=1,
                  back_url="/a.b/site/index.html", pack_id="a.b")
    values[field] = [HOSTILE] if field == "errors" else HOSTILE
    page = tool_page("build_tools.serve", "serve-error.html.j2", **values)
    assert HOSTILE not in page and "<script>alert" not in page
    assert ESCAPED in page


@pytest.mark.parametrize("field", ["output name", "output path", "digest"])
def test_the_matrix_catalogue_escapes_every_value(field, tmp_path):
    pack_id = "sample.labour-inspectors.agriculture.hn.en.participant"
    (tmp_path / pack_id).mkdir()
    files = {HOSTILE if field == "output name" else "site":
             HOSTILE if field == "output path" else f"{pack_id}/site/index.html"}
    digest = HOSTILE if field == "digest" else "abc"
    write_catalogue(tmp_path, [JobResult(pack_id, "built", digest=digest, files=files)])
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert HOSTILE not in page and "<script>alert" not in page
    assert ESCAPED in page
