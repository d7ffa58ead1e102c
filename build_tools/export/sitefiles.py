"""The built site as a set of files to package, and the few changes packages make to their copy of it.

Packages are made from the site on disk (``_build/<pack-id>/site``), read into memory; the site itself
is never modified. Symbolic links are refused rather than followed: a link could pull a file from outside
the pack into a package.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import quote

from ..errors import Location, Problem, ProblemsFound, display_path

FACILITATOR_MARKERS = (b"facilitator-notes", b'class="admonition role-brief', b'class="admonition preparation')
"""Traces that only a facilitator edition's pages carry (the classes of the facilitator-notes admonition, of a
role card's confidential brief and of a session's preparation box)."""


def read_site(site: Path) -> dict[str, bytes]:
    """Every file of the site (relative POSIX path → bytes), hidden files left out."""
    if not (site / "index.html").is_file():
        raise ProblemsFound([Problem(Location(display_path(site)), "no-site",
                                     "there is no built site here to package (index.html is missing)",
                                     "build the pack's html output first: `coursepack build PACK-ID`")])
    files: dict[str, bytes] = {}
    problems = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_symlink():
            problems.append(Problem(Location(display_path(path)), "symlink-in-site",
                                    "the site contains a symbolic link, which a package will not follow",
                                    "rebuild the site; copy files into it rather than linking them"))
        elif path.is_file():
            files[rel] = path.read_bytes()
    if problems:
        raise ProblemsFound(problems)
    return files


def refuse_facilitator_material(files: dict[str, bytes], site: Path) -> None:
    """Defence in depth: a participant package must not be made from a facilitator edition's site,
    whatever pack object the caller passed along with it."""
    found = sorted(name for name, data in files.items()
                   if name.endswith((".html", ".js")) and any(m in data for m in FACILITATOR_MARKERS))
    if found:
        raise ProblemsFound([Problem(
            Location(display_path(site / found[0])), "facilitator-material",
            f"this site contains facilitator material ({len(found)} file(s)); participant packages never do",
            "package the participant edition's site (`…participant/site`)")])


_SWITCHER = re.compile(rb'<nav class="sidebar-languages"[^>]*>.*?</nav>\s*', re.S)


def without_language_switcher(files: dict[str, bytes]) -> dict[str, bytes]:
    """The site without its language switcher (``templates/site/_templates/sidebar/languages.html``). The
    switcher links to the same page in the course's other languages, which are other packs beside this one
    in the output folder; a package holds one pack, so there those links would lead nowhere."""
    return {name: _SWITCHER.sub(b"", data) if name.endswith(".html") else data for name, data in files.items()}


def relative(from_page: str, to_file: str) -> str:
    """The URL of ``to_file`` from the page ``from_page`` (both relative to the site root)."""
    return quote(posixpath.relpath(to_file, posixpath.dirname(from_page) or "."), safe="/")


def href(path: str) -> str:
    """A package path as a URL in a manifest."""
    return quote(path, safe="/")


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def add_to_head(html: bytes, snippet: str, page: str) -> bytes:
    """Insert ``snippet`` (markup we wrote, never trainer text) just before the page's ``</head>``."""
    match = _HEAD_END.search(html)
    if match is None:
        raise ProblemsFound([Problem(Location(page), "no-head", "this page has no </head>, so the LMS "
                                     "script cannot be added to it", "rebuild the site")])
    return html[:match.start()] + snippet.encode("utf-8") + b"\n" + html[match.start():]
