"""A course's ``days`` after ``new`` adds a module to it: as many as its sessions need, never fewer than set."""

from __future__ import annotations

import itertools

from ..content.timetable import place
from . import edits


def days_needed(course, cat) -> int:
    """The days the course's sessions take in its longest pack (audience, sector and elective set), with its
    day times."""
    roomy = course.schedule.model_copy(update={"days": 60})
    needed = 1
    for audience, sector, set_id in itertools.product(course.offered_for.audiences, course.offered_for.sectors,
                                                      course.elective_set_ids()):
        sessions = [((mid, s.id), s.title, s.minutes) for mid in course.pack_modules(set_id) if mid in cat.modules
                    and cat.modules[mid].applies_to(audience, sector) for s in cat.modules[mid].sessions]
        needed = max([needed, *(slot.day for slot in place(sessions, roomy).slots)])
    return needed


def fit(root, course_id: str) -> str | None:
    """Raise the course's ``days`` if its sessions need more (the file's path if it changed)."""
    from ..content.repository import load_repo

    repo = load_repo(root)
    course = repo.catalogue.courses.get(course_id)
    if course is None:
        return None
    needed = days_needed(course, repo.catalogue)
    if needed <= course.schedule.days:
        return None
    path = root / repo.source("course", course_id).path
    text = path.read_text(encoding="utf-8")
    node = edits.node_at(text, ("schedule", "days"))
    edits.write(path, text[:node.start_mark.index] + str(needed) + text[node.end_mark.index:])
    return path.relative_to(root).as_posix()
