"""The schedule engine: place sessions day by day between the course's fixed breaks.

Rules, chosen to match how a training day is run at the Centre:

- sessions run in course order, each starting when the previous one ends;
- a session never spans two days: if what is left of a day cannot hold it, it starts the next morning;
- a fixed break (coffee, lunch) that falls inside a session splits it: part 1, the break, part 2;
- breaks are shown on a day only where teaching goes on after them (no lunch after the last session).

The placement is a pure function of the sessions' minutes and the schedule, so ``check`` (does it fit?)
and the timetable page (at what time?) use the very same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Schedule


def to_minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Slot:
    """One row of a day: a session (or part of one) or a break."""

    day: int
    start: int
    """Minutes since midnight."""
    end: int
    kind: str
    """``session`` or ``break``."""
    title: str
    key: tuple = ()
    """For sessions: (module id, session id)."""
    part: int = 0
    """0 for a whole session; 1, 2… for the parts of a session split by breaks."""

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Overflow:
    """Sessions that did not fit in the days of the schedule."""

    day: int
    """The last day of the schedule."""
    minutes: int
    """Minutes of sessions left over."""
    sessions: tuple[tuple, ...]
    """Keys of the sessions not placed, in order."""


@dataclass(frozen=True)
class TooLong:
    """A session longer than a whole teaching day."""

    key: tuple
    minutes: int
    day_minutes: int


@dataclass(frozen=True)
class Timetable:
    slots: tuple[Slot, ...]
    overflow: Overflow | None = None
    too_long: tuple[TooLong, ...] = ()

    def days(self) -> list[list[Slot]]:
        by_day: dict[int, list[Slot]] = {}
        for slot in self.slots:
            by_day.setdefault(slot.day, []).append(slot)
        return [by_day[d] for d in sorted(by_day)]


def _free_minutes(schedule: Schedule) -> int:
    start, end = to_minutes(schedule.day_start), to_minutes(schedule.day_end)
    return (end - start) - sum(min(b.minutes, end - to_minutes(b.at)) for b in schedule.breaks)


def place(sessions: list[tuple[tuple, str, int]], schedule: Schedule) -> Timetable:
    """Place ``(key, title, minutes)`` sessions into the schedule's days."""
    day_start, day_end = to_minutes(schedule.day_start), to_minutes(schedule.day_end)
    breaks = sorted((to_minutes(b.at), to_minutes(b.at) + b.minutes, b.title) for b in schedule.breaks)
    day_minutes = _free_minutes(schedule)
    too_long = tuple(TooLong(k, n, day_minutes) for k, _, n in sessions if n > day_minutes)
    queue = [s for s in sessions if s[2] <= day_minutes]
    slots: list[Slot] = []
    day, now = 1, day_start
    i = 0
    while i < len(queue) and day <= schedule.days:
        key, title, minutes = queue[i]
        parts = _fit(now, minutes, day_end, breaks)
        if parts is None:  # not enough left today: next morning
            day, now = day + 1, day_start
            continue
        numbered = len([p for p in parts if p[2] == "session"]) > 1
        n = 0
        for start, end, kind, label in parts:
            if kind == "session":
                n += 1
                slots.append(Slot(day, start, end, "session", title, key, n if numbered else 0))
            else:
                slots.append(Slot(day, start, end, "break", label))
        now = parts[-1][1]
        # a break that starts exactly when the session ends is taken now
        for b_start, b_end, b_title in breaks:
            if b_start == now and now < day_end:
                slots.append(Slot(day, b_start, b_end, "break", b_title))
                now = b_end
        i += 1
    overflow = None
    if i < len(queue):
        rest = queue[i:]
        overflow = Overflow(schedule.days, sum(s[2] for s in rest), tuple(s[0] for s in rest))
    return Timetable(tuple(_drop_trailing_breaks(slots)), overflow, too_long)


def _fit(now: int, minutes: int, day_end: int, breaks) -> list[tuple[int, int, str, str]] | None:
    """The pieces of a session starting at ``now`` (split around breaks), or None if the day is too short."""
    parts = []
    left = minutes
    t = now
    for b_start, b_end, b_title in breaks:
        if b_end <= t:
            continue
        if b_start <= t < b_end:  # the day starts inside a break: take it first
            parts.append((t, b_end, "break", b_title))
            t = b_end
            continue
        if t + left <= b_start:
            break
        parts.append((t, b_start, "session", ""))
        left -= b_start - t
        parts.append((b_start, b_end, "break", b_title))
        t = b_end
    if left > 0:
        if t + left > day_end:
            return None
        parts.append((t, t + left, "session", ""))
    return parts


def _drop_trailing_breaks(slots: list[Slot]) -> list[Slot]:
    out: list[Slot] = []
    for i, slot in enumerate(slots):
        if slot.kind == "break":
            later = any(s.day == slot.day and s.kind == "session" for s in slots[i + 1:])
            if not later:
                continue
        out.append(slot)
    return out
