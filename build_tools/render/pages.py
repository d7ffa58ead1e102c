"""Render: a resolved pack → a generated Sphinx source tree of MyST pages.

Two Jinja environments, for two kinds of text:

- **our templates** (``templates/*.md.j2``, trusted) run in a normal environment with ``StrictUndefined``
  and ``finalize=md_escape``: every value they insert is escaped for Markdown unless it is
  :class:`~build_tools.render.markdown.MySTSafe`;
- **trainer text** (bodies, instructions, notes) runs in the sandboxed environment of
  :mod:`build_tools.content.lint`, also with ``StrictUndefined`` and escaping, with only the declared
  context variables. The rendered text is MyST on purpose and is marked safe for the templates.

Pages are written (:func:`write_tree`) only when their bytes change, at stable paths, and files that no
longer belong to the pack are removed, so Sphinx re-reads only what changed.
"""

from __future__ import annotations

import functools
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..atomic import replacing
from ..content.lint import ASSETS, MODULE_LINK, _md
from ..content.repository import Repo
from ..errors import Problem, ProblemsFound
from ..i18n.labels import Labels, LocaleFormat, load_labels
from ..resolve.context import CountryView, CourseView, TitleView, as_of_phrase, ratification_phrase
from ..resolve.pack import Pack
from .markdown import MySTSafe, md_escape, md_url

PAGES = {
    "index.md": "page-index.md.j2",
    "timetable.md": "page-timetable.md.j2",
    "instruments.md": "page-instruments.md.j2",
    "glossary.md": "page-glossary.md.j2",
    "about.md": "page-about.md.j2",
}

_IMAGE = re.compile(r"(?P<alt>!\[[^\]]*\])\(" + ASSETS + r"/(?P<path>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_trainer_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, finalize=md_escape, autoescape=False)


@dataclass
class SessionText:
    """One session's trainer text for one pack, rendered (variables filled in), still MyST."""

    body: MySTSafe
    variants: list[tuple[object, MySTSafe]]
    """(variant, its text) for the variants that match the pack."""
    activities: list[tuple[object, MySTSafe, tuple[int, int] | None]]
    """(activity, its instructions, when it runs) for the activities that match the pack."""
    notes: MySTSafe | None
    """Facilitator notes: facilitator edition only."""


@dataclass
class MaterialText:
    """One material's trainer text for one pack, rendered, still MyST."""

    body: MySTSafe | None
    variants: list[tuple[object, MySTSafe]]
    roles: list[tuple[str, MySTSafe | None]]
    """(role name, its brief): the brief in the facilitator edition only, None in the participant one."""


def material_label(x, labels: Labels) -> str:
    """ "Handout 3.2", "Checklist 3.A"; a supply has no number."""
    kind = labels[f"material_{x.material.kind}"]
    return f"{kind} {x.number}" if x.number else kind


def site_material(mt: MaterialText) -> MaterialText:
    """A material's text for its site page, where the material is a ``##`` section: trainer headings go one
    level down (``##`` → ``###``), as a session's text sits under its ``#`` title. (Print does the same in
    :mod:`build_tools.printing.mdhtml`, where every trainer heading sits under an ``h2``.)"""
    return MaterialText(_demoted(mt.body) if mt.body else None, [(v, _demoted(t)) for v, t in mt.variants],
                        [(role, _demoted(brief) if brief else None) for role, brief in mt.roles])


def _demoted(myst: MySTSafe) -> MySTSafe:
    """MyST with each ATX heading one level further down, found by the parser (not inside fences)."""
    lines = myst.split("\n")
    for tok in _md.parse(myst):
        if tok.type == "heading_open" and tok.map and tok.markup.startswith("#") and tok.tag != "h6":
            at = tok.map[0]
            lines[at] = lines[at].replace("#", "##", 1)
    return MySTSafe("\n".join(lines))


@functools.lru_cache(maxsize=8)
def template_env(templates: Path) -> Environment:
    """The page templates' environment, one per process: compiling the templates costs more than rendering
    them, and a matrix worker renders every pack with them. Jinja checks each template's modification time
    when it is used, so an edited template (``serve``) is compiled again."""
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined, finalize=md_escape,
                      autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["url"] = md_url
    env.filters["safe_path"] = _safe_path
    return env


def _safe_path(value: str) -> MySTSafe:
    """A page path built from ids (already checked to be slugs), inserted unescaped into links and toctrees."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9/-]*", value):
        raise ValueError(f"not a safe page path: {value!r}")
    return MySTSafe(value)


class TrainerText:
    """Renders one pack's trainer text, reporting failures at the YAML file and line."""

    def __init__(self, repo: Repo, pack: Pack, labels: Labels, module_link=None):
        self.repo = repo
        self.module_link = module_link or (lambda mid: f"../{mid}/index.md")
        """Where a ``module:`` link points: the module page of the site (from a session page), or an anchor
        in the manual."""
        self.context = {
            "country": CountryView(pack.country, pack.region, labels),
            "audience": TitleView(pack.audience.title),
            "sector": TitleView(pack.sector.title),
            "course": CourseView(pack.course),
        }
        self.problems: list[Problem] = []
        self.assets: dict[str, bytes] = {}
        """Files of the repo's assets/ folder that the pack's text uses: copied into the source tree."""

    def __call__(self, module_id: str, data_path: tuple, text: str) -> MySTSafe:
        try:
            rendered = _compiled(text).render(self.context).strip() + "\n"
        except TemplateError as exc:
            line = getattr(exc, "lineno", None) or _template_line(exc) or 1
            where = self.repo.source("module", module_id).text_line(data_path, line - 1)
            self.problems.append(Problem(where, "render", f"cannot render this text: {exc.message or exc}",
                                         "use only the context variables listed by `coursepack check`"))
            return MySTSafe("")
        rendered = MODULE_LINK.sub(lambda found: f"]({self.module_link(found.group(1))})", rendered)
        return MySTSafe(_IMAGE.sub(lambda m: self._asset(m, module_id, data_path, text), rendered))

    def session(self, rs, facilitator: bool) -> SessionText:
        """Everything trainers wrote for one resolved session, rendered for this pack."""
        mod = rs.module_id
        si = next(i for i, s in enumerate(self.repo.catalogue.modules[mod].sessions) if s.id == rs.session.id)
        spans = dict(zip((ai for ai, _ in rs.activities), (span for _, span in rs.activity_times())))
        notes = rs.session.facilitator_notes if facilitator else None
        return SessionText(
            self(mod, ("sessions", si, "body"), rs.session.body),
            [(v, self(mod, ("sessions", si, "variants", vi, "body"), v.body)) for vi, v in rs.variants],
            [(a, self(mod, ("sessions", si, "activities", ai, "instructions"), a.instructions), spans[ai])
             for ai, a in rs.activities],
            self(mod, ("sessions", si, "facilitator_notes"), notes) if notes else None)

    def material(self, x, facilitator: bool) -> MaterialText:
        """A resolved material's text for this pack; role briefs only for the facilitator edition."""
        path = ("materials", x.index)
        return MaterialText(
            self(x.module_id, path + ("body",), x.material.body) if x.material.body else None,
            [(v, self(x.module_id, path + ("variants", vi, "body"), v.body)) for vi, v in x.variants],
            [(r.role, self(x.module_id, path + ("roles", ri, "brief"), r.brief) if facilitator else None)
             for ri, r in enumerate(x.material.roles)])

    def _asset(self, match: re.Match, module_id: str, data_path: tuple, text: str) -> str:
        """Point an image at the pack's copy of ``modules/assets/``; refuse anything outside it (symlinks too)."""
        name = match.group("path")
        assets = (self.repo.root / "modules" / ASSETS).resolve()
        path = (assets / name).resolve()
        if not path.is_relative_to(assets) or not path.is_file():
            line = max(0, text[:text.find(f"({ASSETS}/{name}")].count("\n"))
            where = self.repo.source("module", module_id).text_line(data_path, line)
            self.problems.append(Problem(where, "image-missing", f"the image assets/{name} is not a file in "
                                         f"modules/assets/", "add the file to modules/assets/ or fix the name"))
            return match.group(0)
        self.assets[f"{ASSETS}/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
        return f"{match.group('alt')}(/{ASSETS}/{name}{match.group('title') or ''})"


@functools.lru_cache(maxsize=8192)
def _compiled(text: str):
    """Trainer text compiled once per process: a build renders each text for the site and for each
    manual, and a matrix worker for every pack. A text that does not compile raises every time."""
    return _trainer_env.from_string(text)


def _template_line(exc: BaseException) -> int | None:
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            return line
    return None


def render_pack(repo: Repo, pack: Pack, digest: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """The pack's MyST tree, for :func:`write_tree`: its pages (path → MyST) and the assets they use
    (path → bytes); raise :class:`ProblemsFound` if any text cannot render."""
    templates = repo.root / "templates"
    labels = load_labels(templates, pack.language)
    text = TrainerText(repo, pack, labels)
    env = template_env(templates)
    common = {"pack": pack, "L": labels, "F": LocaleFormat(pack.language), "digest": digest,
              "facilitator": pack.facilitator,
              "status": lambda code: ratification_phrase(pack.country.ratifications.get(code), labels),
              "as_of": lambda raw: as_of_phrase(raw, labels),
              "fact": pack.country.ratifications.get, "version": _version(),
              "sessions": {rs.key: rs for rs in pack.sessions()}, "modules": {r.module.id: r.module for r in pack.modules},
              "label": lambda x: material_label(x, labels), "numbers": {r.module.id: n for n, r in enumerate(pack.modules, 1)},
              "modules_resolved": {r.module.id: r for r in pack.modules}}
    pages: dict[str, str] = {}
    for name, template in PAGES.items():
        pages[name] = env.get_template(template).render(common)
    for rmod in pack.modules:
        mod = rmod.module
        pages[rmod.page + ".md"] = env.get_template("page-module.md.j2").render(common, rmod=rmod, mod=mod)
        for rs in rmod.sessions:
            st = text.session(rs, pack.facilitator)
            pages[rs.page + ".md"] = env.get_template("page-session.md.j2").render(
                common, rmod=rmod, mod=mod, rs=rs, s=rs.session, body=st.body, variants=st.variants,
                activities=st.activities, notes=st.notes)
        shown = [(x, site_material(text.material(x, pack.facilitator))) for x in rmod.materials if x.number]
        if shown:
            pages[rmod.materials_page + ".md"] = env.get_template("page-materials.md.j2").render(
                common, rmod=rmod, mod=mod, shown=shown)
    if text.problems:
        raise ProblemsFound(text.problems)
    return pages, text.assets


def write_tree(root: Path, files: dict[str, str | bytes]) -> list[str]:
    """Make ``root`` hold exactly ``files``; write only files whose bytes change; return the changed names."""
    changed = []
    for name, content in files.items():
        path = root / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.exists() and path.read_bytes() == data:
            continue
        with replacing(path) as tmp:
            tmp.write_bytes(data)
        changed.append(name)
    if root.exists():
        wanted = {root / n for n in files}
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
                changed.append(str(path.relative_to(root)))
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


def _version() -> str:
    from .. import __version__
    return __version__


