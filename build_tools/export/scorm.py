"""SCORM 1.2 and SCORM 2004 4th edition packages of a participant site.

The organization mirrors the pack: one item per module, holding one item per session. Each session page
is a SCO; every other file of the site (module pages, glossary, styles, search) is one shared asset
resource that every SCO depends on. The packaged copy of each session page gets one ``<script>`` tag for
``coursepack-sco.js`` (from ``templates/export/``), which talks to the LMS; no other change is made.

Identifiers are built from ids, which are slugs and never contain dots: ``ITEM-<module>.<session>`` cannot
collide and is a valid XML ``ID``.
"""

from __future__ import annotations

import html
import json

from ..content.repository import Repo
from ..errors import Location, Problem, ProblemsFound, display_path
from ..resolve.pack import Pack
from .selfcheck import self_checks
from .sitefiles import add_to_head, href, relative
from .xmlout import El, el, to_bytes

# The course's ``mastery_score`` (the percentage of a SCO's self-checks to answer right to pass) is stated in
# the manifest (SCORM 1.2 ``adlcp:masteryscore``; SCORM 2004 the primary objective's ``minNormalizedMeasure``),
# which the LMS passes to the SCO, and written on the runtime's tag for an LMS that does not.

RUNTIME = "_static/coursepack-sco.js"
"""Where the runtime script sits in a package."""
SHARED = "RES-shared"

VERSIONS = {
    "scorm12": {
        "data-scorm": "1.2",
        "root": {
            "xmlns": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
            "xmlns:adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
        },
        "schemaversion": "1.2",
        "scormtype": "adlcp:scormtype",
    },
    "scorm2004": {
        "data-scorm": "2004",
        "root": {
            "xmlns": "http://www.imsglobal.org/xsd/imscp_v1p1",
            "xmlns:adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
            "xmlns:adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
            "xmlns:adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
            "xmlns:imsss": "http://www.imsglobal.org/xsd/imsss",
        },
        "schemaversion": "2004 4th Edition",
        "scormtype": "adlcp:scormType",
    },
}


def scorm_package(repo: Repo, pack: Pack, site_files: dict[str, bytes], fmt: str) -> dict[str, bytes]:
    """The files of the package: the site with the runtime added to each session page, and the manifest."""
    version = VERSIONS[fmt]
    runtime = repo.root / "templates" / "export" / "coursepack-sco.js"
    if not runtime.is_file():
        raise ProblemsFound([Problem(Location(display_path(runtime, repo.root)), "missing-template",
                                     "the SCORM runtime script is missing from the templates",
                                     "restore templates/export/coursepack-sco.js")])
    files = dict(site_files)
    files[RUNTIME] = runtime.read_bytes()
    scos = json.dumps({rs.page + ".html": _item_id(rs) for rs in pack.sessions()}, sort_keys=True)
    for rs in pack.sessions():
        page = rs.page + ".html"
        if page not in files:
            raise ProblemsFound([Problem(Location(page), "page-missing", f"the site has no page {page}",
                                         "rebuild the site of this pack")])
        tag = (f'<script src="{relative(page, RUNTIME)}" data-scorm="{version["data-scorm"]}" '
               f'data-mastery="{pack.course.mastery_score}" data-scos="{html.escape(scos, quote=True)}"></script>')
        files[page] = add_to_head(files[page], tag, page)
    files["imsmanifest.xml"] = to_bytes(manifest(pack, sorted(files), fmt))
    return files


def manifest(pack: Pack, names: list[str], fmt: str) -> El:
    version = VERSIONS[fmt]
    v2004 = fmt == "scorm2004"
    sco_pages = {rs.page + ".html" for rs in pack.sessions()}
    scored = {id(rs) for rmod in pack.modules for rs, _, _ in self_checks(rmod)}
    root = el("manifest", {"identifier": f"coursepack.{pack.key.id}", "version": "1", **version["root"]})
    root.add(el("metadata", None, el("schema", text="ADL SCORM"),
                el("schemaversion", text=version["schemaversion"])))
    org = el("organization", {"identifier": "ORG-1",
                              "adlseq:objectivesGlobalToSystem": "false" if v2004 else None},
             el("title", text=pack.course.title))
    for rmod in pack.modules:
        mod_item = org.add(el("item", {"identifier": f"ITEM-{rmod.module.id}",
                                       "isvisible": None if v2004 else "true"},
                              el("title", text=rmod.module.title)))
        for rs in rmod.sessions:
            item = mod_item.add(el("item", {"identifier": _item_id(rs),
                                            "identifierref": f"RES-{rs.module_id}.{rs.session.id}",
                                            "isvisible": None if v2004 else "true"},
                                   el("title", text=rs.session.title)))
            if not v2004 and id(rs) in scored:
                item.add(el("adlcp:masteryscore", text=str(pack.course.mastery_score)))
            if v2004:
                sequencing = item.add(el("imsss:sequencing"))
                if id(rs) in scored:
                    sequencing.add(el("imsss:objectives", None, el(
                        "imsss:primaryObjective", {"objectiveID": f"{rs.module_id}.{rs.session.id}",
                                                   "satisfiedByMeasure": "true"},
                        el("imsss:minNormalizedMeasure", text=f"{pack.course.mastery_score / 100:.2f}"))))
                sequencing.add(el("imsss:deliveryControls", {
                    "completionSetByContent": "true", "objectiveSetByContent": "true"}))
    if v2004:
        org.add(el("imsss:sequencing", None, el("imsss:controlMode", {"choice": "true", "flow": "true"})))
    root.add(el("organizations", {"default": "ORG-1"}, org))
    resources = root.add(el("resources"))
    for rs in pack.sessions():
        page = rs.page + ".html"
        resources.add(el("resource", {"identifier": f"RES-{rs.module_id}.{rs.session.id}", "type": "webcontent",
                                      version["scormtype"]: "sco", "href": href(page)},
                         el("file", {"href": href(page)}),
                         el("dependency", {"identifierref": SHARED})))
    shared = resources.add(el("resource", {"identifier": SHARED, "type": "webcontent",
                                           version["scormtype"]: "asset"}))
    for name in names:
        if name not in sco_pages and name != "imsmanifest.xml":
            shared.add(el("file", {"href": href(name)}))
    return root


def _item_id(rs) -> str:
    return f"ITEM-{rs.module_id}.{rs.session.id}"
