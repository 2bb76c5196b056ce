from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from server.queue import domain, hours
from server.queue.office import Office
from server.store.offices import demo_office

DHAKA = ZoneInfo("Asia/Dhaka")


def test_display_codes_in_latin_and_bengali() -> None:
    assert domain.display_code("A", 23) == "A-023"
    assert domain.display_code_bn("ক", 23) == "ক-০২৩"
    assert domain.display_code("B", 1234) == "B-1234"


def test_eta_divides_the_queue_among_open_counters_and_rounds_up() -> None:
    assert domain.eta_minutes(0, 300, 1) == 0
    assert domain.eta_minutes(3, 300, 1) == 15
    assert domain.eta_minutes(3, 300, 2) == 8
    assert domain.eta_minutes(1, 10, 4) == 1


def test_priority_share_cap() -> None:
    assert domain.priority_allowed(0, 0, 0.2)
    assert domain.priority_allowed(1, 0, 0.2)
    assert not domain.priority_allowed(2, 5, 0.2)
    assert domain.priority_allowed(3, 20, 0.2)
    assert not domain.priority_allowed(4, 20, 0.2)


def _office(**changes: object) -> Office:
    raw = demo_office().to_dict()
    raw.update(changes)
    return Office.from_dict(raw)


def test_hours_working_days_holidays_and_next_opening() -> None:
    office = _office(hours_enforced=True, holidays=["2026-12-16"])
    service = office.service("A")
    sunday_10 = datetime(2026, 11, 29, 10, 0, tzinfo=DHAKA)
    assert hours.is_open(office, service, sunday_10)
    assert not hours.is_open(office, service, sunday_10.replace(hour=8, minute=59))
    assert not hours.is_open(office, service, sunday_10.replace(hour=17))
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=DHAKA)
    assert not hours.is_open(office, service, friday)
    assert hours.next_opening(office, service, friday) == datetime(2026, 12, 6, 9, 0, tzinfo=DHAKA)
    victory_day = datetime(2026, 12, 16, 10, 0, tzinfo=DHAKA)
    assert not hours.is_open(office, service, victory_day)
    assert hours.next_opening(office, service, victory_day) == datetime(
        2026, 12, 17, 9, 0, tzinfo=DHAKA
    )


def test_demo_office_is_magura_with_four_counters_and_three_officials() -> None:
    office = demo_office()
    assert office.slug == "magura"
    assert len(office.services) >= 6
    assert sorted(office.counters) == [1, 2, 3, 4]
    assert set(office.officials) == {"dc", "adc-general", "adc-revenue"}
    for service in office.services.values():
        assert office.counters_serving(service.code), f"nobody serves {service.code}"
