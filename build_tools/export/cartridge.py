"""IMS Common Cartridge 1.1: the participant site as web content, the course structure as organization.

An LMS importing the cartridge turns each module into a section and each session page into a resource
(Moodle does). Every session page is its own web-content resource; the rest of the site is one shared
web-content resource that each page depends on, so every file of the cartridge belongs to a resource.
A module with self-checks also gets a QTI assessment (:mod:`.qti`), the last item of its section, which an
LMS imports as a quiz.
"""

from __future__ import annotations

from pathlib import Path

from ..resolve.pack import Pack
from ..i18n.labels import load_labels
from .qti import RESOURCE_TYPE, quiz_files, quiz_path
from .sitefiles import href
from .xmlout import El, el, to_bytes

CC = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
SCHEMA_LOCATION = (f"{CC} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
                   f"{LOM} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd")
SHARED = "RES-shared"


def cartridge_package(pack: Pack, site_files: dict[str, bytes], templates: Path) -> dict[str, bytes]:
    quizzes = quiz_files(pack.modules, lambda rmod: quiz_title(pack, rmod, templates))
    files = {**site_files, **quizzes}
    files["imsmanifest.xml"] = to_bytes(manifest(pack, sorted(site_files), sorted(quizzes), templates))
    return files


def quiz_title(pack: Pack, rmod, templates: Path) -> str:
    return f"{rmod.module.title}: {load_labels(templates, pack.language)['check_understanding']}"


def manifest(pack: Pack, names: list[str], quizzes: list[str], templates: Path) -> El:
    pages = {rs.page + ".html" for rs in pack.sessions()}
    root = el("manifest", {"identifier": f"coursepack.{pack.key.id}", "xmlns": CC, "xmlns:lomimscc": LOM,
                           "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                           "xsi:schemaLocation": SCHEMA_LOCATION})
    root.add(el("metadata", None, el("schema", text="IMS Common Cartridge"), el("schemaversion", text="1.1.0"),
                el("lomimscc:lom", None, el("lomimscc:general", None, el("lomimscc:title", None, el(
                    "lomimscc:string", {"language": pack.language}, text=pack.course.title))))))
    top = el("item", {"identifier": "LearningModules"})
    for rmod in pack.modules:
        folder = top.add(el("item", {"identifier": f"ITEM-{rmod.module.id}"}, el("title", text=rmod.module.title)))
        for rs in rmod.sessions:
            folder.add(el("item", {"identifier": f"ITEM-{rs.module_id}.{rs.session.id}",
                                   "identifierref": f"RES-{rs.module_id}.{rs.session.id}"},
                          el("title", text=rs.session.title)))
        if quiz_path(rmod) in quizzes:
            folder.add(el("item", {"identifier": f"ITEM-{rmod.module.id}.quiz",
                                   "identifierref": f"RES-{rmod.module.id}.quiz"},
                          el("title", text=quiz_title(pack, rmod, templates))))
    root.add(el("organizations", None, el("organization", {"identifier": "ORG-1", "structure": "rooted-hierarchy"},
                                          top)))
    resources = root.add(el("resources"))
    for rs in pack.sessions():
        page = rs.page + ".html"
        resources.add(el("resource", {"identifier": f"RES-{rs.module_id}.{rs.session.id}", "type": "webcontent",
                                      "href": href(page)},
                         el("file", {"href": href(page)}), el("dependency", {"identifierref": SHARED})))
    for rmod in pack.modules:
        if quiz_path(rmod) in quizzes:
            resources.add(el("resource", {"identifier": f"RES-{rmod.module.id}.quiz", "type": RESOURCE_TYPE},
                             el("file", {"href": href(quiz_path(rmod))})))
    shared = resources.add(el("resource", {"identifier": SHARED, "type": "webcontent"}))
    for name in names:
        if name not in pages:
            shared.add(el("file", {"href": href(name)}))
    return root
