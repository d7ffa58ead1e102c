"""E-campus exports: the export_pack contract, manifests against the official schemas, leaks, determinism.

The schemas are read from ``../shared/schemas`` beside the checkout (CI has it too); they are never copied
into the repository. The browser tests are in ``test_export_browser.py``, the question bank's round trip in
``test_export_questions.py``; both reuse the builds and exports made here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from build_tools.errors import ProblemsFound
from build_tools.export.pack import EXPORT_FORMATS, export_pack
from build_tools.resolve.keys import PackKey
from build_tools.resolve.pack import resolve

from .conftest import REPO
from .leaks import facilitator_only_texts, facilitator_only_titles, leaked

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
SAMPLE = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "participant")
ECAMPUS = PackKey("due-diligence-ecampus", "enterprise-managers", "garment-textile", "BD", "en", "participant")
PACKAGES = ("scorm12", "scorm2004", "cc", "offline")
"""The formats made for participants."""
MANIFEST_SCHEMA = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cc": "cc11"}
RUNTIME_TAG = re.compile(rb'<script src="(?:\.\./)*_static/coursepack-sco\.js" data-scorm="(?:1\.2|2004)" '
                         rb'data-mastery="80" data-scos="(\{[^"<>]*\})"></script>')
"""The runtime's tag: constants, and the package's SCO pages with their item ids (ids and paths only)."""

_cache: dict = {}


def site_of(repo, tmp_path_factory, key: PackKey) -> Path:
    """The pack's site, built once per test session into a folder of its own (html only)."""
    if ("site", key) not in _cache:
        from build_tools.pipeline.build import build_pack

        out = tmp_path_factory.mktemp("export-build")
        _cache[("site", key)] = build_pack(repo, key, out, formats=("html",)).output / "site"
    return _cache[("site", key)]


def exported(repo, tmp_path_factory, key: PackKey, fmt: str) -> Path:
    """The pack exported as ``fmt``, once per test session (the question bank from the facilitator edition,
    the only one that may export it)."""
    if fmt == "questions":
        key = dataclasses.replace(key, edition="facilitator")
        if ("zip", key, fmt) not in _cache:
            _cache[("zip", key, fmt)] = export_pack(repo, resolve(repo.catalogue, key), Path("no-site"),
                                                    tmp_path_factory.mktemp("exports"), fmt)
        return _cache[("zip", key, fmt)]
    if ("zip", key, fmt) not in _cache:
        site = site_of(repo, tmp_path_factory, key)
        _cache[("zip", key, fmt)] = export_pack(repo, resolve(repo.catalogue, key), site,
                                                tmp_path_factory.mktemp("exports"), fmt)
    return _cache[("zip", key, fmt)]


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def manifest_of(path: Path):
    from lxml import etree

    return etree.fromstring(read_zip(path)["imsmanifest.xml"])


@pytest.fixture(scope="session")
def sample_site(repo, tmp_path_factory) -> Path:
    return site_of(repo, tmp_path_factory, SAMPLE)


@pytest.fixture(scope="session")
def package(repo, tmp_path_factory):
    """``package(fmt)`` → the sample participant pack exported as ``fmt``."""
    return lambda fmt, key=SAMPLE: exported(repo, tmp_path_factory, key, fmt)


# --- the contract -----------------------------------------------------------------------------------------

def test_every_format_writes_one_zip_named_for_the_pack(package):
    for fmt in EXPORT_FORMATS:
        path = package(fmt)
        key = dataclasses.replace(SAMPLE, edition="facilitator") if fmt == "questions" else SAMPLE
        assert path.name == f"{key.id}.{fmt}.zip"
        assert zipfile.ZipFile(path).testzip() is None


def test_exports_are_deterministic(repo, sample_site, tmp_path):
    """Two exports, one from a copy of the site with fresh file times, give the same bytes."""
    copy = tmp_path / "copy" / "site"
    shutil.copytree(sample_site, copy)
    pack = resolve(repo.catalogue, SAMPLE)
    for fmt in PACKAGES:  # the question bank's determinism: test_export_questions.py
        first = export_pack(repo, pack, sample_site, tmp_path / "a", fmt).read_bytes()
        second = export_pack(repo, pack, copy, tmp_path / "b", fmt).read_bytes()
        assert first == second, fmt


def test_zip_entries_are_sorted_with_fixed_times_and_permissions(package):
    for fmt in EXPORT_FORMATS:
        infos = zipfile.ZipFile(package(fmt)).infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names), fmt
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            assert info.external_attr >> 16 == 0o100644, info.filename
            assert not info.filename.startswith("/") and ".." not in info.filename.split("/")


def test_the_site_itself_is_never_modified(repo, sample_site, tmp_path):
    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
        return h.hexdigest()

    before = digest(sample_site)
    pack = resolve(repo.catalogue, SAMPLE)
    for fmt in PACKAGES:
        export_pack(repo, pack, sample_site, tmp_path, fmt)
    assert digest(sample_site) == before
    assert b"coursepack-sco" not in (sample_site / "modules/osh/osh-in-agriculture.html").read_bytes()


@pytest.mark.parametrize("fmt", PACKAGES)
def test_a_facilitator_edition_is_never_packaged_for_participants(repo, sample_site, tmp_path, fmt):
    pack = resolve(repo.catalogue, dataclasses.replace(SAMPLE, edition="facilitator"))
    with pytest.raises(ProblemsFound) as err:
        export_pack(repo, pack, sample_site, tmp_path, fmt)
    assert [p.code for p in err.value.problems] == ["facilitator-package"]
    assert "facilitator" in err.value.problems[0].message and err.value.problems[0].hint
    assert not list(tmp_path.iterdir())


def test_a_facilitator_site_is_refused_even_with_a_participant_pack(repo, tmp_path_factory, tmp_path):
    site = site_of(repo, tmp_path_factory, dataclasses.replace(SAMPLE, edition="facilitator"))
    with pytest.raises(ProblemsFound) as err:
        export_pack(repo, resolve(repo.catalogue, SAMPLE), site, tmp_path, "offline")
    assert [p.code for p in err.value.problems] == ["facilitator-material"]


def test_the_question_bank_is_refused_from_a_participant_edition(repo, sample_site, tmp_path):
    with pytest.raises(ProblemsFound) as err:
        export_pack(repo, resolve(repo.catalogue, SAMPLE), sample_site, tmp_path, "questions")
    assert [p.code for p in err.value.problems] == ["answer-keys-for-facilitators"]


def test_an_unknown_format_is_a_problem(repo, sample_site, tmp_path):
    with pytest.raises(ProblemsFound) as err:
        export_pack(repo, resolve(repo.catalogue, SAMPLE), sample_site, tmp_path, "scorm3")
    assert err.value.problems[0].code == "unknown-export-format"
    assert "scorm12" in err.value.problems[0].hint


def test_a_missing_site_is_a_problem(repo, tmp_path):
    with pytest.raises(ProblemsFound) as err:
        export_pack(repo, resolve(repo.catalogue, SAMPLE), tmp_path / "nothing", tmp_path, "offline")
    assert err.value.problems[0].code == "no-site"


# --- manifests --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", MANIFEST_SCHEMA)
def test_manifest_validates_against_the_official_schemas(package, fmt):
    from lxml import etree

    entry = SCHEMAS / MANIFEST_SCHEMA[fmt] / "manifest_entry.xsd"
    assert entry.is_file(), f"the shared schemas are missing: {entry}"
    schema = etree.XMLSchema(etree.parse(str(entry)))
    doc = manifest_of(package(fmt))
    assert schema.validate(doc), "\n".join(f"{e.line}: {e.message}" for e in schema.error_log)


@pytest.mark.parametrize("fmt", MANIFEST_SCHEMA)
def test_manifest_mirrors_modules_and_sessions_and_lists_every_file(repo, package, fmt):
    """What XSD cannot check: references resolve, the structure is the pack's, every file belongs to a resource."""
    doc = manifest_of(package(fmt))
    ns = {"cp": doc.nsmap[None]}
    pack = resolve(repo.catalogue, SAMPLE)
    resources = {r.get("identifier"): r for r in doc.iterfind(".//cp:resource", ns)}
    organization = doc.find(".//cp:organization", ns)
    modules = organization.findall("cp:item", ns)
    if fmt == "cc":
        modules = organization.find("cp:item", ns).findall("cp:item", ns)
    assert [m.findtext("cp:title", namespaces=ns) for m in modules] == [r.module.title for r in pack.modules]
    for mod_item, rmod in zip(modules, pack.modules):
        sessions = [i for i in mod_item.findall("cp:item", ns)  # a cartridge's quiz: tests/test_export_quizzes.py
                    if not i.get("identifier").endswith(".quiz")]
        assert [s.findtext("cp:title", namespaces=ns) for s in sessions] == [rs.session.title for rs in rmod.sessions]
        for item, rs in zip(sessions, rmod.sessions):
            resource = resources[item.get("identifierref")]
            assert resource.get("href") == rs.page + ".html"
            if fmt != "cc":
                scormtype = resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") or resource.get(
                    "{http://www.adlnet.org/xsd/adlcp_v1p3}scormType")
                assert scormtype == "sco"
    for dep in doc.iterfind(".//cp:dependency", ns):
        assert dep.get("identifierref") in resources
    listed = [f.get("href") for f in doc.iterfind(".//cp:file", ns)]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(n for n in read_zip(package(fmt)) if n != "imsmanifest.xml")


def test_manifest_text_is_escaped(repo, sample_site, tmp_path):
    """Titles come from trainers: markup in them stays text in the manifest."""
    from lxml import etree

    pack = resolve(repo.catalogue, SAMPLE)
    nasty = 'Risk <script>alert("x")</script> & "quotes" ]]> \'done\''
    first = dataclasses.replace(pack.modules[0], module=pack.modules[0].module.model_copy(update={"title": nasty}))
    pack = dataclasses.replace(pack, course=pack.course.model_copy(update={"title": nasty}),
                               modules=(first, *pack.modules[1:]))
    for fmt in MANIFEST_SCHEMA:
        files = read_zip(export_pack(repo, pack, sample_site, tmp_path / fmt, fmt))
        doc = etree.fromstring(files["imsmanifest.xml"])
        titles = [t.text for t in doc.iter("{*}title", "{*}string")]
        assert nasty in titles, fmt
        assert b"<script>alert" not in files["imsmanifest.xml"]


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_the_runtime_is_added_to_session_pages_only_and_carries_no_course_text(repo, package, fmt):
    files = read_zip(package(fmt))
    pack = resolve(repo.catalogue, SAMPLE)
    sessions = {rs.page + ".html" for rs in pack.sessions()}
    assert files["_static/coursepack-sco.js"] == (REPO / "templates/export/coursepack-sco.js").read_bytes()
    for name, data in files.items():
        if name.endswith(".html"):
            tags = RUNTIME_TAG.findall(data)
            assert len(tags) == (1 if name in sessions else 0), name
            assert data.count(b"coursepack-sco.js") == len(tags), name
            for scos in tags:
                assert json.loads(html.unescape(scos.decode())) == {
                    rs.page + ".html": f"ITEM-{rs.module_id}.{rs.session.id}" for rs in pack.sessions()}
    script = files["_static/coursepack-sco.js"].decode()
    for rmod in pack.modules:
        assert rmod.module.title not in script


def test_the_offline_zip_is_the_participant_site(package, sample_site):
    files = read_zip(package("offline"))
    on_disk = {p.relative_to(sample_site).as_posix(): p.read_bytes() for p in sample_site.rglob("*") if p.is_file()}
    assert files == on_disk
    assert "index.html" in files and "searchindex.js" in files


# --- leaks ------------------------------------------------------------------------------------------------

def _package_text(path: Path) -> str:
    return "\n".join(data.decode("utf-8", "ignore") for data in read_zip(path).values())


@pytest.mark.parametrize("key", [SAMPLE, ECAMPUS], ids=["sample", "e-campus"])
@pytest.mark.parametrize("fmt", PACKAGES)
def test_participant_packages_hold_no_facilitator_text(repo, package, key, fmt):
    secrets = facilitator_only_texts(repo, key)
    assert len(secrets) > 5, "the leak test needs facilitator-only text to look for"
    text = _package_text(package(fmt, key))
    assert not leaked(secrets, text)
    titles = [t for t in facilitator_only_titles(repo, key) if len(t.split()) >= 3]
    assert not [t for t in titles if t in text]
    files = read_zip(package(fmt, key))
    assert not [n for n, data in files.items() if n.endswith(".html") and b"facilitator-notes" in data]


FOUR_LANGUAGES = PackKey("foundations-blended", "labour-inspectors", "garment-textile", "MA", "fr", "participant")
_LINK = re.compile(rb'\b(?:href|src)="([^"#?]*)[^"]*"')


@pytest.mark.parametrize("fmt", PACKAGES)
def test_every_link_of_a_package_stays_inside_it(package, fmt):
    """A package is all a learner has: a relative link must lead to a file of the zip. The language switcher
    of a course offered in four languages leads to sibling packs, which no package holds: it is left out."""
    files = read_zip(package(fmt, FOUR_LANGUAGES))
    broken = []
    for page in (name for name in files if name.endswith(".html")):
        for raw in _LINK.findall(files[page]):
            url = raw.decode()
            if not url or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):  # same page, or http:, mailto:, data:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(url)))
            if target not in files and posixpath.join(target, "index.html") not in files:
                broken.append(f"{page}: {url}")
    assert not broken, f"{len(broken)} links lead outside the package, e.g. {broken[:5]}"
    assert not any(b"sidebar-languages" in files[p] for p in files if p.endswith(".html"))
