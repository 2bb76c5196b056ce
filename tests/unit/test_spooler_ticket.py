"""What a kiosk token's ticket says, built from the raw token and the office's charter."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from server.hardware.spooler import event_age_secs, should_print, ticket_data
from server.realtime.envelope import Event
from server.store.offices import demo_office

DHAKA = ZoneInfo("Asia/Dhaka")


def raw_token(**changes: str) -> dict[str, str]:
    token = {
        "id": "tok123",
        "office": "magura",
        "service": "B",
        "number": "23",
        "prefix": "B",
        "prefix_bn": "খ",
        "status": "waiting",
        "phone": "+8801712345678",
        "counter": "2",
        # 2026-11-29 04:15 UTC: 10:15 in Dhaka
        "issued_ms": "1795925700000",
    }
    return {**token, **changes}


def test_ticket_data_takes_names_counter_documents_and_dhaka_time_from_the_office() -> None:
    office = demo_office()
    data = ticket_data(
        raw_token(),
        office,
        position=4,
        eta_minutes=12,
        tz=DHAKA,
        base_url="https://sheba.example.gov.bd/",
    )
    assert data.office_name_bn == office.name_bn
    assert data.token_display_bn == "খ-০২৩"
    assert data.token_display == "B-023"
    assert data.service_name_bn == office.services["B"].name_bn
    assert data.counter_bn == "কাউন্টার ২"
    assert data.people_ahead == 3
    assert data.eta_minutes == 12
    assert data.issued_at.utcoffset().total_seconds() == 6 * 3600  # type: ignore[union-attr]
    assert (data.issued_at.hour, data.issued_at.minute) == (10, 15)
    assert data.tracking_url == "https://sheba.example.gov.bd/t/tok123"
    assert data.documents_bn == office.services["B"].documents_bn


def test_ticket_without_a_counter_or_anyone_ahead() -> None:
    data = ticket_data(
        raw_token(counter=""),
        demo_office(),
        position=None,
        eta_minutes=None,
        tz=DHAKA,
        base_url="http://x",
    )
    assert data.counter_bn is None
    assert data.people_ahead == 0
    assert data.eta_minutes == 0


def issued(role: str | None, event_type: str = "token.issued") -> Event:
    data: dict[str, object] = {"token": raw_token()}
    if role:
        data["actor"] = {"kind": "apikey", "id": "1", "role": role}
    return Event("1-0", "magura", event_type, "", data)


def test_only_kiosk_tokens_print_unless_staff_printing_is_asked_for() -> None:
    assert should_print(issued("kiosk"))
    assert not should_print(issued("counter"))
    assert not should_print(issued(None))
    assert not should_print(issued("kiosk", "token.called"))
    assert should_print(issued("counter"), print_staff_tokens=True)


def test_event_age_comes_from_the_stream_id() -> None:
    now = time.time()
    assert round(event_age_secs(f"{int((now - 90) * 1000)}-3", now)) == 90
