"""Build: the generated MyST tree → an HTML site, with Sphinx in-process.

The repository's ``conf.py`` is the one base configuration; a pack passes only its overrides. Every
warning is collected and shown, then fails the build: a warning here means a page would be wrong.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from jinja2 import BytecodeCache

from ..errors import Location, Problem, environment_failure
from ..pipeline.layout import Work
from ..render.bidi import mark_latin_blocks
from .state import pages_to_rewrite, prepare, skip_parents, tidy


@dataclass
class SiteResult:
    warnings: list[Problem]
    status: str


DOCUTILS_CONF = """[general]
raw_enabled: no
file_insertion_enabled: no
"""

_WARNING = re.compile(r"^(?P<path>[^\n:]+?)(?::(?P<line>\d+))?: (?P<level>WARNING|ERROR|CRITICAL): (?P<msg>.*)$")


def build_site(confdir: Path, srcdir: Path, outdir: Path, doctreedir: Path, overrides: dict) -> SiteResult:
    """Run Sphinx's HTML builder; return the warnings as problems (none means success)."""
    from sphinx import locale
    from sphinx.application import Sphinx, builtin_extensions
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    # Sphinx keeps its own translations in a module-level dict and adds to them build after build: after an
    # Arabic pack, an English one built in the same process (a matrix worker, serve) would say "بحث".
    locale.translators.clear()
    # A Sphinx module translates its labels at import when a translator is registered then, and for good: a
    # module first imported in a French build would put "Index des modules Python" in every later English
    # one. Importing Sphinx's own extensions with no translator registered keeps their labels lazy.
    for name in builtin_extensions:
        import_module(name)

    status, warning = io.StringIO(), io.StringIO()
    # Docutils reads docutils.conf from the folder patch_docutils() is given; a file in the repository would
    # override the lock-down, so Sphinx gets a folder holding only ours.
    locked = Work(doctreedir.parent).docutils
    locked.mkdir(parents=True, exist_ok=True)
    (locked / "docutils.conf").write_text(DOCUTILS_CONF, encoding="utf-8")
    prepare(outdir)  # Sphinx keeps its state between builds: see site/state.py
    try:
        with patch_docutils(locked), docutils_namespace():
            app = Sphinx(str(srcdir), str(confdir), str(outdir), str(doctreedir), "html",
                         confoverrides=overrides, status=status, warning=warning, freshenv=False,
                         warningiserror=False)
            app.connect("env-get-updated", pages_to_rewrite)
            app.connect("write-started", skip_parents)
            keep_compiled(app.builder)
            app.build()
    except SphinxError as exc:  # configuration, theme or extension problems: not the content's fault
        cause = _environment_cause(exc)
        if cause is not None:
            raise cause from exc  # a full disk or a permission, which Sphinx wraps: the environment's fault
        return SiteResult([Problem(Location("conf.py"), "sphinx-setup", f"{exc.category}: {exc}",
                                   "check conf.py and that the project's dependencies are installed "
                                   "(pip install .)")], status.getvalue())
    problems = []
    for line in warning.getvalue().splitlines():
        m = _WARNING.match(line.strip())
        if m:
            path = m["path"]
            try:
                path = str(Path(path).relative_to(srcdir))
            except ValueError:
                pass
            problems.append(Problem(Location(f"(generated) {path}", int(m["line"] or 1)), "sphinx",
                                    m["msg"], "a template or trainer text produced a page Sphinx warns about"))
        elif line.strip() and problems:
            problems[-1] = Problem(problems[-1].location, "sphinx", problems[-1].message + " " + line.strip(),
                                   problems[-1].hint)
        elif line.strip():
            problems.append(Problem(Location("(sphinx)"), "sphinx", line.strip()))
    if not problems:
        tidy(app)
    return SiteResult(problems, status.getvalue())


class _Compiled(BytecodeCache):
    """Compiled templates kept in memory, for the life of the process. Sphinx makes a new template
    environment for each build, and compiling the theme's templates again took a third of a one-page
    rebuild in ``serve``. Jinja checks each template's source against its checksum before reusing it."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED: dict[tuple, _Compiled] = {}


def keep_compiled(builder) -> None:
    """Give the builder's template environment the compiled templates of earlier builds with the same
    Jinja extensions (a translated build compiles ``{% trans %}`` differently)."""
    environment = getattr(getattr(builder, "templates", None), "environment", None)
    if environment is not None:
        environment.bytecode_cache = _COMPILED.setdefault(tuple(sorted(environment.extensions)), _Compiled())


def _environment_cause(exc: BaseException) -> OSError | None:
    """The failure of the environment (disk full, permission…) a Sphinx error wraps, if any: Sphinx turns an
    ``OSError`` raised in an event handler (a theme writing its CSS, say) into an ``ExtensionError``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and environment_failure(exc) is not None:
            return exc
        exc = getattr(exc, "orig_exc", None) or exc.__cause__ or exc.__context__
    return None


def set_direction(site: Path, direction: str, source_language: str | None = None) -> None:
    """Mark every page right-to-left (or left-to-right): the theme sets ``lang`` but not ``dir``. With
    ``source_language``, the blocks of text in that (left-to-right) language too: see :mod:`build_tools.render.bidi`."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        marked = re.sub(r"<html\b(?![^>]*\bdir=)", f'<html dir="{direction}"', text, count=1)
        if source_language:
            marked = mark_latin_blocks(marked, source_language)
        if marked != text:
            page.write_text(marked, encoding="utf-8")
