"""A training centre's identity, configured once: ``curriculum/branding.yml``, overridable per course.

The site (logo in the sidebar brand, colours, footer) and the manuals read the one resolved
:class:`Branding` a pack carries (``Pack.branding``). A course's ``branding:`` block changes only the keys
it gives (:func:`resolved_branding`). The logo is an SVG file of ``modules/assets/``, checked in
:mod:`build_tools.content.validate` like the images of trainer text (inside the repository, no script).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import StringConstraints

from .fields import OneLine, Strict

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
"""A colour as ``#rrggbb``."""
Logo = Annotated[str, StringConstraints(pattern=r"^assets/[A-Za-z0-9][A-Za-z0-9._/-]*\.svg$")]
"""An SVG file of ``modules/assets/``, written as trainer text writes images: ``assets/logo.svg``."""

BRANDING_FILE = "curriculum/branding.yml"


class BrandingChanges(Strict):
    """A course's changes to the centre's branding: only the keys given change."""

    centre: OneLine | None = None
    """The centre's name, as the site's brand and the manuals' imprint show it."""
    logo: Logo | None = None
    """The centre's logo: an SVG file of ``modules/assets/``, e.g. ``assets/itcilo-mark.svg``."""
    primary: Colour | None = None
    """Main colour (links, headings, the brand), ``#rrggbb``; the site lightens it for dark mode."""
    accent: Colour | None = None
    """Second colour (rules, box accents), ``#rrggbb``."""
    licence: OneLine | None = None
    """Licence of the published material, e.g. ``CC BY 4.0``."""
    holder: OneLine | None = None
    """Copyright holder, printed as ``© YEAR HOLDER``."""
    year: int | None = None
    """Year of the copyright notice; the year of the build when not given."""
    contact: OneLine | None = None
    """Where readers write to: an e-mail address or a web address."""


class Branding(BrandingChanges):
    """The centre's identity: its name, logo, colours, licence, copyright holder and contact."""

    centre: OneLine
    primary: Colour
    accent: Colour
    licence: OneLine
    holder: OneLine


DEFAULT = Branding(centre="International Training Centre of the ILO", primary="#1d3c6e", accent="#b8860b",
                   licence="CC BY 4.0", holder="International Training Centre of the ILO")
"""Used when the repository has no ``curriculum/branding.yml``: sober colours, no logo."""


def resolved_branding(base: Branding | None, changes: BrandingChanges | None) -> Branding:
    """The centre's branding (or the default) with a course's changes applied."""
    base = base or DEFAULT
    if changes is None:
        return base
    return base.model_copy(update=changes.model_dump(exclude_none=True))


def branding_problems(repo, courses) -> None:
    """Add to ``repo.problems`` what is wrong with the logos of the centre's branding and of ``courses``:
    each must be an SVG file inside ``modules/assets/`` (no symbolic link out of the repository) holding no
    script, no event handler and no reference to anything outside itself (the site shows it as it is)."""
    places = []
    if repo.catalogue.branding is not None and repo.catalogue.branding.logo:
        places.append((repo.catalogue.branding.logo, repo.source("branding", "branding").at("logo")))
    for cid in sorted(courses):
        changes = repo.catalogue.courses[cid].branding
        if changes is not None and changes.logo:
            places.append((changes.logo, repo.source("course", cid).at("branding", "logo")))
    for logo, where in places:
        problem = logo_problem(repo.root, logo)
        if problem:
            repo.problems.add(where, "branding-logo", f"the logo {logo}: {problem}",
                              "use an SVG file of modules/assets/ with shapes and text only, e.g. assets/logo.svg")


def logo_path(root: Path, logo: str) -> Path:
    """The file of a logo named ``assets/…`` (see :data:`Logo`)."""
    return root / "modules" / PurePosixPath(logo)


def logo_problem(root: Path, logo: str) -> str | None:
    """Why the logo cannot be used, or None."""
    from .validate import _first_link_outside

    escape = _first_link_outside(root.resolve(), ("modules", *PurePosixPath(logo).parts))
    if escape is not None:
        return f"it leads outside the repository: {escape[0]} is a symbolic link to {escape[1]}"
    assets = (root / "modules" / "assets").resolve()
    path = logo_path(root, logo).resolve()
    if not path.is_relative_to(assets) or not path.is_file():
        return "it is not a file in modules/assets/"
    return svg_problem(path.read_bytes())


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not a plain picture (a script, an event handler, an outside reference), or None."""
    import xml.etree.ElementTree as ET

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "it declares a DOCTYPE or entities"
    try:
        top = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"it is not well-formed XML ({exc})"
    if top.tag.rsplit("}", 1)[-1] != "svg":
        return "it is not an SVG picture (its top element is not <svg>)"
    for element in top.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("script", "foreignObject", "iframe", "embed", "object"):
            return f"it holds a <{name}> element"
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                return f"its <{name}> has an event handler ({local})"
            if local == "href" and not value.startswith("#"):
                return f"its <{name}> refers to {value!r}, outside the picture"
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                return f"its <{name}> refers to a file in {local}"
    return None
