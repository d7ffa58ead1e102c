"""Problems as values: a location, a code, a message and a hint.

Every stage reports what is wrong with the input as :class:`Problem` values rather than raising on the
first one, so a trainer fixes ten mistakes in one round. The command line prints them; the tests compare them.
"""

from __future__ import annotations

import difflib
import errno
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based, as editors show them."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    location: Location
    code: str
    """Short kebab-case identifier of the kind of problem, e.g. ``unknown-audience``."""
    message: str
    hint: str | None = None
    severity: str = "error"
    """``error`` fails ``check`` and builds; ``warning`` is shown only."""

    def format(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.location.path, "line": self.location.line, "column": self.location.column,
            "severity": self.severity, "code": self.code, "message": self.message, "hint": self.hint,
        }


@dataclass
class Problems:
    """A collector that stages append to."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, code: str, message: str, hint: str | None = None, *,
            severity: str = "error") -> None:
        self.items.append(Problem(location, code, message, hint, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=_sort_key)

    def raise_if_errors(self) -> None:
        """Raise :class:`ProblemsFound` with every problem collected if any is an error."""
        if self.errors:
            raise ProblemsFound(self.items)


def _sort_key(p: Problem) -> tuple:
    return (p.location.path, p.location.line, p.location.column, p.code, p.message)


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known value, or listing the few known values."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if 0 < len(choices) <= 8:
        return "known values: " + ", ".join(choices)
    return None


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as a user should see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- failures of the environment

EXIT_CONTENT = 1
"""The content has errors (``check``) or a pack could not be built from it."""
EXIT_USAGE = 2
"""The command line is wrong."""
EXIT_UNAVAILABLE = 69
"""A system library (Pango, GObject…) or a font the manuals need is missing (sysexits EX_UNAVAILABLE)."""
EXIT_SOFTWARE = 70
"""A bug in coursepack (sysexits EX_SOFTWARE)."""
EXIT_IOERR = 74
"""The disk is full, or reading or writing failed (sysexits EX_IOERR)."""
EXIT_NOPERM = 77
"""A file or folder may not be written (permission, read-only file system) (sysexits EX_NOPERM)."""

EXIT_CODES = {
    0: "success", EXIT_CONTENT: "errors in the content, or a pack failed to build (see the messages)",
    EXIT_USAGE: "wrong command line", EXIT_UNAVAILABLE: "a system library or a font the manuals need is missing",
    EXIT_SOFTWARE: "internal error: a bug in coursepack", EXIT_IOERR: "disk full or input/output error",
    EXIT_NOPERM: "permission denied or read-only file system", 130: "interrupted (Ctrl-C)",
}
"""Every exit code of ``coursepack``, as ``coursepack --help`` lists them."""


# --------------------------------------------------------------------------- the error family

class CoursepackError(Exception):
    """A condition the user can fix: what is wrong (located problems, or one message), and the exit code.

    The kinds a caller tells apart are subclasses: :class:`ProblemsFound` (the content), :class:`SelectionError`
    (the command line names what does not exist), :class:`EnvironmentFailure` (the disk, the permissions, a
    library); :class:`PackTimeout` shares the interface. Anything else that escapes is a bug in coursepack.
    The command line turns every one into output and an exit code in one place (``cli.report_failure``)."""

    exit_code = EXIT_CONTENT
    kind = "content"
    names_command = True
    """Whether the one-line message is prefixed with ``coursepack COMMAND:``."""

    def __init__(self, message: str = "", problems: Iterable[Problem] = (), *, exit_code: int | None = None):
        self.message = message
        self.problems = sorted(problems, key=_sort_key)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__("\n".join([p.format() for p in self.problems] + ([message] if message else [])))

    def lines(self, command: str | None = None) -> list[str]:
        """What to show the user, one entry a problem (then the message)."""
        lines = [p.format() for p in self.problems]
        if self.message:
            named = self.names_command and not self.problems and command
            lines.append(f"coursepack {command}: {self.message}" if named else self.message)
        return lines


class ProblemsFound(CoursepackError):
    """Raised by a stage that cannot go on; carries every problem found so far (and may say what it means)."""

    names_command = False

    def __init__(self, problems: Iterable[Problem], message: str = ""):
        super().__init__(message, problems)


class SelectionError(CoursepackError):
    """The command line names what does not exist or is not offered: a course, a dimension value, a format,
    a pack id; the message lists the choices."""

    exit_code = EXIT_USAGE
    kind = "selection"


class EnvironmentFailure(CoursepackError):
    """Something outside the content and the code stops the build: the disk, the permissions, the system's
    libraries or fonts. Says what is wrong, where, and how to fix it; the command exits ``exit_code``."""

    kind = "environment"

    def __init__(self, what: str, path: str | None, message: str, hint: str, exit_code: int):
        self.what, self.path, self.hint = what, path, hint
        super().__init__(message, exit_code=exit_code)
        self.args = (self.format(),)

    def format(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"coursepack: {self.what}: {where}{self.message}\n  hint: {self.hint}"

    def lines(self, command: str | None = None) -> list[str]:
        return [self.format()]


class PackTimeout(BaseException):
    """A job ran past its time limit (the matrix's ``--timeout``). Of the family in kind, but not an
    ``Exception``, so that no ``except Exception`` inside Sphinx or WeasyPrint catches it; on its way out,
    ``build_pack`` discards the pack's staging folder, and every cache entry is written under a temporary
    name first, so nothing half-made is left to be used."""

    exit_code = EXIT_CONTENT
    kind = "timeout"


_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\] ([^:'\"]+)")


def environment_failure(exc: BaseException) -> EnvironmentFailure | None:
    """The environment failure ``exc`` stands for, or None when it is not one (then it is a bug).

    Disk full, quota, permission, read-only file system and I/O errors (``OSError`` with that errno,
    ``shutil.Error`` whose first failure names one), and a system library that cannot be loaded (what
    cffi raises when WeasyPrint cannot find Pango)."""
    if isinstance(exc, EnvironmentFailure):
        return exc
    if not isinstance(exc, OSError):
        return None
    number, reason, path = exc.errno, exc.strerror, exc.filename
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        source, target, text = (list(exc.args[0][0]) + ["", "", ""])[:3]
        found = _ERRNO_IN_TEXT.search(str(text))
        if found:
            number, reason, path = int(found.group(1)), found.group(2).strip(), target
    if exc.filename2 is not None and number in _DISK | _PERMISSION:
        path = exc.filename2  # a copy or rename: the target is what could not be written
    path = str(path) if path is not None else None
    if number in _DISK:
        return EnvironmentFailure(
            "disk full", path, reason or "no space left on device",
            "free some space on the disk that holds this path (or build into another folder with --output), "
            "then run the same command again; the previous output is unchanged", EXIT_IOERR)
    if number in _PERMISSION:
        return EnvironmentFailure(
            "cannot write", path, reason or "permission denied",
            "make the folder writable for this user (or, for a read-only file system, choose another output "
            "folder with --output), then run the same command again", EXIT_NOPERM)
    if number == errno.EIO:
        return EnvironmentFailure("input/output error", path, reason or "input/output error",
                                  "the disk reported an error: check it, or build into another folder with --output",
                                  EXIT_IOERR)
    library = _LIBRARY.search(str(exc))
    if number is None and library:
        return EnvironmentFailure(
            "missing system library", library.group(1), "cannot be loaded: WeasyPrint, which lays out the PDF "
            "manuals, needs it (Pango, GObject, HarfBuzz, Fontconfig)",
            "install Pango, e.g. `apt-get install libpango-1.0-0 libpangoft2-1.0-0` on Debian or Ubuntu "
            "(see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html); the site builds without it "
            "with --format html", EXIT_UNAVAILABLE)
    return None


_DISK = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_PERMISSION = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_LIBRARY = re.compile(r"cannot load library '([^']+)'")


def write_file(path: Path, data: bytes | memoryview) -> None:
    """Write ``data`` to ``path`` (its folder made if needed); an ``OSError`` names the path even when the
    system call that failed (a write, a close) does not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


@contextmanager
def naming(folder: Path):
    """An OSError that names no file (a write that failed on a full disk) names ``folder``, the output."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None and exc.errno is not None:
            exc.filename = str(folder)
        raise
