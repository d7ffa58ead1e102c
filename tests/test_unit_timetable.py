"""Placing sessions between breaks, against clock times worked out by hand (never by the engine under test).

Each case writes its expected rows as the timetable page prints them: day, start, end, what, part.
"""

from __future__ import annotations

import pytest

from build_tools.content.model import Break, Schedule
from build_tools.content.timetable import Overflow, TooLong, place

TURIN = Schedule(days=5, day_start="09:00", day_end="17:00", breaks=[
    Break(title="Coffee", at="10:30", minutes=15),
    Break(title="Lunch", at="12:30", minutes=60),
    Break(title="Tea", at="15:30", minutes=15)])
"""The Turin day: 8 hours, 90 minutes of breaks, 390 minutes of teaching."""


def sessions(*minutes: int) -> list[tuple[tuple, str, int]]:
    """Sessions s1, s2… of these lengths, in course order."""
    return [(("m", f"s{i}"), f"s{i}", n) for i, n in enumerate(minutes, 1)]


def rows(timetable) -> list[tuple]:
    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return [(s.day, clock(s.start), clock(s.end), s.title, s.part) for s in timetable.slots]


def schedule(**changes) -> Schedule:
    return TURIN.model_copy(update=changes)


def test_a_session_across_lunch_is_split_around_it():
    """Day 1 keeps its lunch when the session in progress at 12:30 runs on after it."""
    assert rows(place(sessions(90, 120, 60), TURIN)) == [
        (1, "09:00", "10:30", "s1", 0),
        (1, "10:30", "10:45", "Coffee", 0),   # s1 ends as coffee starts: coffee is taken then
        (1, "10:45", "12:30", "s2", 1),       # 105 of s2's 120 minutes before lunch
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "13:45", "s2", 2),       # the 15 left
        (1, "13:45", "14:45", "s3", 0),       # tea at 15:30 is after the last session: not shown
    ]


def test_a_session_across_two_breaks_has_three_parts():
    assert rows(place(sessions(60, 180), TURIN)) == [
        (1, "09:00", "10:00", "s1", 0),
        (1, "10:00", "10:30", "s2", 1),       # 30
        (1, "10:30", "10:45", "Coffee", 0),
        (1, "10:45", "12:30", "s2", 2),       # 105
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "14:15", "s2", 3),       # 45 (30 + 105 + 45 = 180)
    ]


def test_a_break_at_a_session_end_is_shown_only_when_teaching_follows():
    # s2 ends at 12:30, when lunch starts
    assert rows(place(sessions(90, 105), TURIN)) == [
        (1, "09:00", "10:30", "s1", 0),
        (1, "10:30", "10:45", "Coffee", 0),
        (1, "10:45", "12:30", "s2", 0),
    ]
    assert rows(place(sessions(90, 105, 30), TURIN))[-2:] == [
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "14:00", "s3", 0),
    ]


def test_the_session_after_one_that_ends_as_a_break_starts_begins_after_the_break():
    # s1: 90 before coffee, 105 after it: ends at 12:30 sharp, as lunch starts
    assert rows(place(sessions(195, 45), TURIN)) == [
        (1, "09:00", "10:30", "s1", 1),
        (1, "10:30", "10:45", "Coffee", 0),
        (1, "10:45", "12:30", "s1", 2),
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "14:15", "s2", 0),
    ]


def test_a_day_that_starts_inside_a_break_begins_after_it():
    early = schedule(day_start="08:30", breaks=[Break(title="Welcome", at="08:00", minutes=60)])
    assert rows(place(sessions(60), early)) == [
        (1, "08:30", "09:00", "Welcome", 0),
        (1, "09:00", "10:00", "s1", 0),
    ]


def test_a_session_that_does_not_fit_in_what_is_left_of_the_day_starts_the_next_morning():
    # s1: 90 + 105 + 5 = 200 minutes, ends 13:35. s2 (200) from 13:35: 115 to tea, 85 after it, 15:45 + 85
    # = 17:10, past 17:00: it goes to day 2, and day 1 shows no tea (no teaching after it).
    assert rows(place(sessions(200, 200), TURIN)) == [
        (1, "09:00", "10:30", "s1", 1),
        (1, "10:30", "10:45", "Coffee", 0),
        (1, "10:45", "12:30", "s1", 2),
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "13:35", "s1", 3),
        (2, "09:00", "10:30", "s2", 1),
        (2, "10:30", "10:45", "Coffee", 0),
        (2, "10:45", "12:30", "s2", 2),
        (2, "12:30", "13:30", "Lunch", 0),
        (2, "13:30", "13:35", "s2", 3),
    ]


def test_a_session_that_fills_a_day_to_the_minute_fits():
    # 390 minutes: 90 + 105 + 120 (13:30-15:30) + 75 (15:45-17:00)
    assert rows(place(sessions(390, 30), TURIN)) == [
        (1, "09:00", "10:30", "s1", 1),
        (1, "10:30", "10:45", "Coffee", 0),
        (1, "10:45", "12:30", "s1", 2),
        (1, "12:30", "13:30", "Lunch", 0),
        (1, "13:30", "15:30", "s1", 3),
        (1, "15:30", "15:45", "Tea", 0),
        (1, "15:45", "17:00", "s1", 4),
        (2, "09:00", "09:30", "s2", 0),
    ]


def test_what_does_not_fit_in_the_days_is_reported_as_overflow():
    timetable = place(sessions(200, 200, 60), schedule(days=1))
    assert [r[3] for r in rows(timetable)] == ["s1", "Coffee", "s1", "Lunch", "s1"]
    assert timetable.overflow == Overflow(day=1, minutes=260, sessions=(("m", "s2"), ("m", "s3")))


def test_a_session_longer_than_a_teaching_day_is_left_out_and_reported():
    timetable = place(sessions(60, 391, 30), TURIN)  # 391 > 390 teaching minutes a day
    assert timetable.too_long == (TooLong(("m", "s2"), 391, 390),)
    assert rows(timetable) == [(1, "09:00", "10:00", "s1", 0), (1, "10:00", "10:30", "s3", 0)]
    assert timetable.overflow is None


@pytest.mark.parametrize("minutes, expected_days", [
    # a short day, 09:00-13:00 with coffee 10:30-10:45: 225 teaching minutes
    ((90, 120, 120, 60), [
        [(1, "09:00", "10:30", "s1", 0), (1, "10:30", "10:45", "Coffee", 0), (1, "10:45", "12:45", "s2", 0)],
        [(2, "09:00", "10:30", "s3", 1), (2, "10:30", "10:45", "Coffee", 0), (2, "10:45", "11:15", "s3", 2),
         (2, "11:15", "12:15", "s4", 0)],
    ]),
    ((225, 225, 225), [
        [(1, "09:00", "10:30", "s1", 1), (1, "10:30", "10:45", "Coffee", 0), (1, "10:45", "13:00", "s1", 2)],
        [(2, "09:00", "10:30", "s2", 1), (2, "10:30", "10:45", "Coffee", 0), (2, "10:45", "13:00", "s2", 2)],
        [(3, "09:00", "10:30", "s3", 1), (3, "10:30", "10:45", "Coffee", 0), (3, "10:45", "13:00", "s3", 2)],
    ]),
])
def test_several_days(minutes, expected_days):
    short = Schedule(days=3, day_start="09:00", day_end="13:00",
                     breaks=[Break(title="Coffee", at="10:30", minutes=15)])
    timetable = place(sessions(*minutes), short)
    assert [rows(type(timetable)(tuple(day))) for day in timetable.days()] == expected_days
    assert timetable.overflow is None and timetable.too_long == ()


def test_breaks_are_taken_in_clock_order_whatever_order_the_course_lists_them():
    listed = schedule(breaks=list(reversed(TURIN.breaks)))
    assert rows(place(sessions(90, 120, 60), listed)) == rows(place(sessions(90, 120, 60), TURIN))
