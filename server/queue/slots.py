"""Meeting slots and the reply clock of an official: working intervals, free slots. Pure.

An official receives visitors on the office's working days between `opens` and `closes`,
except in breaks. Each such interval is cut into slots of `slot_minutes` from its start; a
slot is named by its start. The same intervals are the "office hours" in which the reply
target is counted, so a request made at night waits for the morning before it escalates.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta, tzinfo

from server.queue.hours import MAX_LOOKAHEAD_DAYS
from server.queue.office import Office, Official

# What `slot_problem` answers, as people read it: (English, Bengali).
PROBLEM_MESSAGES: dict[str, tuple[str, str]] = {
    "past": ("That time has passed.", "সময়টি পার হয়ে গেছে।"),
    "day_off": ("That day is not a working day.", "দিনটি কর্মদিবস নয়।"),
    "too_far": ("That day is too far ahead.", "দিনটি অনেক দূরে।"),
    "not_a_slot": (
        "That time is outside the official's hours, in a break, or not a slot start.",
        "সময়টি কর্মকর্তার সাক্ষাতের সময়ের বাইরে, বিরতিতে, বা কোনো স্লটের শুরু নয়।",
    ),
}

# How far ahead a citizen may ask for a day, and an official may offer a slot.
MAX_ADVANCE_DAYS = 30


def is_working_date(office: Office, day: date) -> bool:
    return day.weekday() in office.working_days and day not in office.holiday_dates()


def next_working_day(office: Office, day: date) -> date | None:
    """The first working day after `day`."""
    for days in range(1, MAX_LOOKAHEAD_DAYS + 1):
        candidate = day + timedelta(days=days)
        if is_working_date(office, candidate):
            return candidate
    return None


def intervals(
    office: Office, official: Official, day: date, tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    """The official's receiving hours on `day`, breaks cut out; empty on a day off."""
    if not is_working_date(office, day):
        return []
    opens, closes = official.hours()
    spans: list[tuple[time, time]] = []
    start = opens
    for b_start, b_end in official.break_times():
        if b_end <= start or b_start >= closes:
            continue
        if b_start > start:
            spans.append((start, b_start))
        start = max(start, b_end)
    if start < closes:
        spans.append((start, closes))
    return [(datetime.combine(day, a, tz), datetime.combine(day, b, tz)) for a, b in spans]


def slot_starts(office: Office, official: Official, day: date, tz: tzinfo) -> list[datetime]:
    """Every slot of the day, whether free or not."""
    length = timedelta(minutes=official.slot_minutes)
    starts = []
    for begin, end in intervals(office, official, day, tz):
        moment = begin
        while moment + length <= end:
            starts.append(moment)
            moment += length
    return starts


def slot_problem(office: Office, official: Official, at: datetime, now: datetime) -> str | None:
    """Why `at` cannot be given as a meeting time, or None when it is a real future slot.

    One of: `past`, `day_off`, `too_far`, `not_a_slot` (outside hours, in a break, or not on
    the slot grid).
    """
    at = at.astimezone(now.tzinfo)
    if at <= now:
        return "past"
    if not is_working_date(office, at.date()):
        return "day_off"
    if (at.date() - now.date()).days > MAX_ADVANCE_DAYS:
        return "too_far"
    if at not in slot_starts(office, official, at.date(), at.tzinfo):  # type: ignore[arg-type]
        return "not_a_slot"
    return None


def free_slots(
    office: Office,
    official: Official,
    now: datetime,
    taken: Collection[datetime],
    *,
    days: int = 3,
) -> dict[date, list[datetime]]:
    """The free slots of today (those still ahead) and the next working days, `days` in all."""
    tz = now.tzinfo
    assert tz is not None
    taken_set = {t.astimezone(tz) for t in taken}
    result: dict[date, list[datetime]] = {}
    day = now.date()
    if not is_working_date(office, day):
        day = next_working_day(office, day) or day
    while len(result) < days and (day - now.date()).days <= MAX_ADVANCE_DAYS:
        result[day] = [
            s for s in slot_starts(office, official, day, tz) if s > now and s not in taken_set
        ]
        following = next_working_day(office, day)
        if following is None:
            break
        day = following
    return result


def add_working_minutes(
    office: Office, official: Official, start: datetime, minutes: int
) -> datetime | None:
    """The moment `minutes` of the official's hours after `start` (None: no hours ahead)."""
    tz = start.tzinfo
    assert tz is not None
    left = timedelta(minutes=minutes)
    for days in range(MAX_LOOKAHEAD_DAYS + 1):
        day = start.date() + timedelta(days=days)
        for begin, end in intervals(office, official, day, tz):
            begin = max(begin, start)
            if begin >= end:
                continue
            if begin + left <= end:
                return begin + left
            left -= end - begin
    return None
