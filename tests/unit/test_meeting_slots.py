"""Meeting slots and the reply clock: pure rules, no IO."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.queue import meetings, slots
from server.queue.office import Office, Official
from server.store.offices import demo_office

TZ = ZoneInfo("Asia/Dhaka")
SUNDAY = date(2025, 3, 2)
THURSDAY = date(2025, 3, 6)


def at(day: date, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hhmm}").replace(tzinfo=TZ)


def dc() -> tuple[Office, Official]:
    office = demo_office()
    return office, office.officials["dc"]


def test_slots_skip_the_break_and_end_before_closing() -> None:
    office, official = dc()
    starts = slots.slot_starts(office, official, SUNDAY, TZ)
    assert starts[0] == at(SUNDAY, "10:00")
    assert at(SUNDAY, "12:50") in starts
    assert at(SUNDAY, "13:00") not in starts and at(SUNDAY, "13:50") not in starts
    assert at(SUNDAY, "14:00") in starts
    assert starts[-1] == at(SUNDAY, "16:50")
    assert len(starts) == 6 * 6


def test_no_slots_on_the_weekend_or_a_holiday() -> None:
    office, official = dc()
    friday = SUNDAY - timedelta(days=2)
    assert slots.slot_starts(office, official, friday, TZ) == []
    closed = replace(office, holidays=(SUNDAY.isoformat(),))
    assert slots.slot_starts(closed, official, SUNDAY, TZ) == []


def test_slot_problem_names_what_is_wrong() -> None:
    office, official = dc()
    now = at(SUNDAY, "11:02")
    assert slots.slot_problem(office, official, at(SUNDAY, "11:10"), now) is None
    assert slots.slot_problem(office, official, at(SUNDAY, "11:00"), now) == "past"
    assert slots.slot_problem(office, official, at(SUNDAY, "13:20"), now) == "not_a_slot"
    assert slots.slot_problem(office, official, at(SUNDAY, "11:15"), now) == "not_a_slot"
    assert slots.slot_problem(office, official, at(SUNDAY, "18:00"), now) == "not_a_slot"
    assert slots.slot_problem(office, official, at(THURSDAY + timedelta(1), "11:00"), now) == (
        "day_off"
    )
    assert slots.slot_problem(office, official, at(SUNDAY + timedelta(60), "11:00"), now) == (
        "too_far"
    )
    # The same moment written in UTC is the same slot.
    utc = at(SUNDAY, "11:10").astimezone(ZoneInfo("UTC"))
    assert slots.slot_problem(office, official, utc, now) is None


def test_free_slots_leave_out_the_past_and_the_taken_and_skip_the_weekend() -> None:
    office, official = dc()
    now = at(THURSDAY, "16:25")
    plan = slots.free_slots(office, official, now, [at(THURSDAY, "16:40")], days=3)
    assert list(plan) == [THURSDAY, THURSDAY + timedelta(3), THURSDAY + timedelta(4)]
    assert plan[THURSDAY] == [at(THURSDAY, "16:30"), at(THURSDAY, "16:50")]
    assert plan[THURSDAY + timedelta(3)][0] == at(THURSDAY + timedelta(3), "10:00")


def test_free_slots_on_a_day_off_start_at_the_next_working_day() -> None:
    office, official = dc()
    friday = THURSDAY + timedelta(1)
    plan = slots.free_slots(office, official, at(friday, "10:00"), [], days=1)
    assert list(plan) == [THURSDAY + timedelta(3)]


def test_reply_clock_counts_only_the_officials_hours() -> None:
    office, official = dc()
    assert slots.add_working_minutes(office, official, at(SUNDAY, "10:00"), 30) == at(
        SUNDAY, "10:30"
    )
    # Across the lunch break.
    assert slots.add_working_minutes(office, official, at(SUNDAY, "12:50"), 30) == at(
        SUNDAY, "14:20"
    )
    # A request at night waits for the morning; on Thursday evening, for Sunday.
    assert slots.add_working_minutes(office, official, at(SUNDAY, "22:00"), 30) == at(
        SUNDAY + timedelta(1), "10:30"
    )
    assert slots.add_working_minutes(office, official, at(THURSDAY, "16:50"), 30) == at(
        THURSDAY + timedelta(3), "10:20"
    )


def test_next_working_day_skips_friday_and_saturday() -> None:
    office, _ = dc()
    assert slots.next_working_day(office, THURSDAY) == THURSDAY + timedelta(3)
    assert slots.next_working_day(office, SUNDAY) == SUNDAY + timedelta(1)


def test_report_counts_reply_times_and_overdue_requests() -> None:
    base = {"office": "x", "ref": "DC-001", "ref_bn": "", "requested_ms": "0"}
    rows = [
        {**base, "id": "a", "official": "dc", "status": "scheduled", "replied_ms": "600000"},
        {**base, "id": "b", "official": "dc", "status": "declined", "replied_ms": "1800000"},
        {**base, "id": "c", "official": "dc", "status": "pending", "due_ms": "100"},
        {**base, "id": "d", "official": "dc", "status": "pending", "due_ms": "99999999"},
        {
            **base,
            "id": "e",
            "official": "adc-general",
            "first_official": "dc",
            "status": "pending",
            "replied_ms": "120000",
            "due_ms": "100",
        },
    ]
    out = meetings.report(rows, ["dc", "adc-general"], now_ms=1000)
    assert out["dc"]["requested"] == 5
    assert out["dc"]["replied"] == 3
    assert out["dc"]["avg_reply_minutes"] == 14.0
    assert out["dc"]["max_reply_minutes"] == 30.0
    assert out["dc"]["unanswered_past_target"] == 1
    assert out["adc-general"]["requested"] == 0
    assert out["adc-general"]["unanswered_past_target"] == 1
