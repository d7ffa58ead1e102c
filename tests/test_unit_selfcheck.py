"""The self-check data element cannot be ended or broken by any text it carries."""

from __future__ import annotations

import json

import pytest

from build_tools.export.selfcheck import as_script_body

HOSTILE = ["</script><script>alert(1)</script>", "<!-- <script>", "]]> & &amp; \u2028 \u2029", '"\\\'']


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_round_trips_and_cannot_end_the_element(text):
    body = as_script_body({"feedback": [text], "general": text})
    assert not set("<>&") & set(body)
    assert json.loads(body) == {"feedback": [text], "general": text}
