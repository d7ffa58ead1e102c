"""Self-check items: the questions participants answer in the pack (``use: self-check``).

The site, the SCORM packages and the cartridge's quizzes all take them from here, in the order the session
page shows them. A self-check's key and feedback reach a participant's page only as data for the widget
(``templates/site/static/selfcheck.js``), in a ``<script type="application/json">`` element that browsers
never display and the search index never reads; a facilitator item's never do (docs/security.md).
"""

from __future__ import annotations

import json

from ..resolve.pack import Pack, ResolvedModule

DATA_ID = "coursepack-selfchecks"
"""The id of the data element on every page of the site."""


def self_checks(rmod: ResolvedModule) -> list[tuple[object, int, object]]:
    """(resolved session, position on its page from 0, item) of every self-check of the module, in order."""
    return [(rs, n, item) for rs in rmod.sessions for n, item in enumerate(rs.session.assessment)
            if item.use == "self-check"]


def item_data(rs, n: int, item) -> dict:
    return {"id": f"{rs.module_id}.{rs.session.id}.{item.id}", "n": n,
            "key": [i for i, c in enumerate(item.choices) if c.correct],
            "choices": [c.text for c in item.choices],
            "feedback": [c.feedback or "" for c in item.choices], "general": item.feedback or ""}


def selfcheck_data(pack: Pack, labels) -> dict:
    """What the widget needs: its labels, and per session page the self-checks shown there."""
    pages: dict[str, list] = {}
    for rmod in pack.modules:
        for rs, n, item in self_checks(rmod):
            pages.setdefault(rs.page, []).append(item_data(rs, n, item))
    return {"heading": labels["check_understanding"],
            "labels": {k: labels[f"selfcheck_{k}"] for k in ("check", "right", "wrong", "choose", "answers")},
            "pages": pages}


def as_script_body(data: dict) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment, whatever the texts hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def site_scripts(pack: Pack, labels) -> list:
    """``html_js_files`` entries: the pack's self-check data, inline, then the widget."""
    return [(None, {"type": "application/json", "id": DATA_ID, "body": as_script_body(selfcheck_data(pack, labels))}),
            ("selfcheck.js", {"defer": "defer"})]
