"""What several commands do with their arguments: read the formats and the pack they name, load and
validate the content."""

from __future__ import annotations

import sys
from pathlib import Path


def stop_on_errors(problems) -> None:
    """Raise :class:`ProblemsFound` (every problem, then what it means) if ``problems`` has errors."""
    from ..errors import ProblemsFound

    if problems.errors:
        raise ProblemsFound(problems.items, f"{len(problems.errors)} error(s) in the content: nothing was "
                            f"built; fix them and run again (`coursepack check` lists them too)")


def validated(repo, courses=None, *, warn: bool = True):
    """Validate ``repo`` (only ``courses`` and their modules if given); raise :class:`ProblemsFound` on
    errors, else print the warnings (unless ``warn`` is false) and return the problems."""
    from ..content.validate import validate

    problems = validate(repo, courses)
    stop_on_errors(problems)
    if warn:
        for problem in problems.sorted():
            print(problem.format(), file=sys.stderr)
    return problems


def load_checked(root: Path):
    """Load and validate the repository; print its warnings; raise :class:`ProblemsFound` on errors."""
    from ..content.repository import load_repo

    repo = load_repo(root)
    validated(repo)
    return repo


def load_loadable(root: Path):
    """Load the repository; its problems are reported by :func:`validated`, once the command knows which
    courses it builds (a file those do not use does not stop them)."""
    from ..content.repository import load_repo

    return load_repo(root)


def parse_formats(text: str | None, choices=None, hint: str = ""):
    """The formats asked for (of ``choices``, default every build format), or None for the course's default;
    :class:`SelectionError` (ending with ``hint``) if one is not a choice."""
    from ..content.model import FORMATS
    from ..errors import SelectionError

    if text is None:
        return None
    choices = choices or FORMATS
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in choices]
    if unknown or not formats:
        raise SelectionError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}"
                             + hint)
    return formats


def sample(root: Path) -> dict | None:
    """The sample pack named in ROOT/pyproject.toml ([tool.coursepack.sample]), or None."""
    import tomllib

    try:
        config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    found = config.get("tool", {}).get("coursepack", {}).get("sample")
    return dict(found) if found else None


def pick(args, root: Path, cat, repo=None):
    """The packs a build-like command names (course, pack id or sample, plus dimension flags);
    :class:`SelectionError` if they name none, :class:`ProblemsFound` if the course's file has errors."""
    from ..errors import SelectionError, did_you_mean
    from ..resolve.keys import DIMENSIONS, PackKey, select

    given = {d: getattr(args, d) for d in DIMENSIONS}
    given["electives"] = getattr(args, "electives", None)
    target = args.target
    if target is None:
        named = sample(root)
        if named is None:
            raise SelectionError("name a course or a pack (see `coursepack list`)")
        target = named.pop("course")
        given = {**named, **{k: v for k, v in given.items() if v}}
    key = PackKey.parse(target) if "." in target else None
    if "." in target and key is None:
        raise SelectionError(f"{target!r} is not a pack id "
                             "(course.audience.sector.country.language.edition, then the elective set if not the default)")
    course_id = key.course if key else target
    if course_id not in cat.courses and repo is not None and repo.is_unloadable("course", course_id):
        validated(repo, {course_id})  # its file could not be read: say why
    if course_id not in cat.courses:
        hint = did_you_mean(course_id, cat.courses) or "see `coursepack list`"
        raise SelectionError(f"unknown course {course_id!r}; {hint}")
    if key:
        given = {**{d: getattr(key, d) for d in DIMENSIONS}, "electives": key.electives or given["electives"]}
    return select(cat.courses[course_id], given)
