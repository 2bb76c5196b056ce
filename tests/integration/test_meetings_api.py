"""Meeting requests and the officials' answers against a real server, Redis and database.

The server's clock is moved, never slept on: every test starts on a Sunday at 10:00 in
Magura, a working day, inside the officials' hours.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from server.queue.meeting_escalation import escalate_due
from server.queue.meetings_store import meeting_store
from server.queue.office import Office
from server.store import models
from tests.conftest import LiveServer, StaffLogin, bearer, office_config, store_of
from tests.integration.helpers import TZ, MovableClock, act, ask, asked, office_clock

START = datetime(2025, 3, 2, 10, 0, tzinfo=TZ)  # a Sunday


@pytest.fixture(autouse=True)
def clock(live: LiveServer) -> Iterator[MovableClock]:
    """Every test starts at START; those that move the clock ask for it."""
    with office_clock(live, START) as clock:
        yield clock


async def events(
    live: LiveServer, office: Office, prefix: str = "meeting."
) -> list[dict[str, Any]]:
    entries = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    return [
        {"id": entry_id, "type": f["type"], "data": json.loads(f["data"])}
        for entry_id, f in entries
        if f["type"].startswith(prefix)
    ]


async def test_request_emits_an_event_and_the_tracking_page_hides_the_phone(
    live: LiveServer, client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    meeting = await asked(client, office, keys["kiosk"], lang="bn")
    assert (meeting["ref"], meeting["ref_bn"]) == ("DC-001", "ডিসি-০০১")
    assert meeting["status"] == "pending" and meeting["position"] == 0
    assert meeting["official"]["name_bn"] == "জেলা প্রশাসক"
    assert meeting["phone_masked"] == "017••••5678" and "phone" not in meeting
    assert meeting["requested_at"] == "2025-03-02T10:00:00+06:00"
    second = await ask(client, office, keys["counter"], phone="01812345678")
    assert (second.json()["ref"], second.json()["position"]) == ("DC-002", 1)

    requested = (await events(live, office))[0]
    assert requested["type"] == "meeting.requested"
    data = requested["data"]["meeting"]
    assert (data["phone"], data["lang"], data["ref"], data["official"]) == (
        "+8801712345678",
        "bn",
        "DC-001",
        "dc",
    )
    assert data["official_name_en"] == "Deputy Commissioner"
    assert requested["data"]["actor"]["role"] == "kiosk"

    tracked = (await client.get(f"/api/v1/meetings/{meeting['id']}")).json()
    assert tracked["status"] == "pending" and tracked["seen"] is False
    assert "phone" not in json.dumps(tracked) and "রহিম" not in json.dumps(tracked)


async def test_official_sees_then_schedules_and_the_event_carries_the_time(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    clock: MovableClock,
    staff_login: StaffLogin,
) -> None:
    meeting = await asked(client, office, keys["kiosk"])
    dc = await staff_login("dc")
    listed = (await dc.get(f"/api/v1/offices/{office.slug}/meetings?status=pending")).json()
    assert [m["id"] for m in listed["meetings"]] == [meeting["id"]]
    assert listed["meetings"][0]["phone_masked"] == "017••••5678"
    assert "phone" not in listed["meetings"][0]

    clock.move(minutes=3)
    assert (await dc.post(act(office, meeting["id"], "seen"))).status_code == 200
    assert (await dc.post(act(office, meeting["id"], "seen"))).status_code == 200
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}")).json()["seen"] is True

    offered = (await dc.get(f"/api/v1/offices/{office.slug}/officials/dc/slots?days=2")).json()
    assert [d["date"] for d in offered["days"]] == ["2025-03-02", "2025-03-03"]
    first_free = offered["days"][0]["slots"][0]
    assert first_free == {"at": "2025-03-02T10:10+06:00", "time": "10:10", "time_bn": "১০:১০"}

    at = "2025-03-02T11:30+06:00"
    scheduled = await dc.post(act(office, meeting["id"], "schedule"), json={"at": at})
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled" and scheduled.json()["at"] == at
    assert scheduled.json()["reply_minutes"] == 3.0
    offered = (await dc.get(f"/api/v1/offices/{office.slug}/officials/dc/slots?days=1")).json()
    assert "11:30" not in [s["time"] for s in offered["days"][0]["slots"]]

    happened = await events(live, office)
    assert [e["type"] for e in happened] == [
        "meeting.requested",
        "meeting.seen",
        "meeting.scheduled",
    ]
    data = happened[-1]["data"]
    assert data["meeting"]["at"] == at and data["meeting"]["phone"] == "+8801712345678"
    assert data["actor"]["role"] == "official"

    persister = live.app.state.runtime["persister"]  # type: ignore[attr-defined]
    await asyncio.wait_for(persister.processed(office.slug, happened[-1]["id"]), 150)
    row = await models.Meeting.get(id=meeting["id"])
    assert (row.status, row.ref, row.phone, row.official) == (
        "scheduled",
        "DC-001",
        "+8801712345678",
        "dc",
    )
    assert row.at == datetime.fromisoformat(at)
    assert row.replied_at == START + timedelta(minutes=3)
    logged = await models.EventLog.filter(office_id=office.slug, type="meeting.scheduled").first()
    assert logged and "phone" not in logged.data["meeting"]


async def test_two_officials_tabs_scheduling_one_slot_at_once_give_exactly_one_409(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    a = await asked(client, office, keys["kiosk"], phone="01711111111")
    b = await asked(client, office, keys["kiosk"], phone="01722222222")
    dc = await staff_login("dc")
    at = {"at": "2025-03-02T12:00+06:00"}
    replies = await asyncio.gather(
        dc.post(act(office, a["id"], "schedule"), json=at),
        dc.post(act(office, b["id"], "schedule"), json=at),
    )
    assert sorted(r.status_code for r in replies) == [200, 409]
    refused = next(r for r in replies if r.status_code == 409).json()["error"]
    assert refused["code"] == "slot_taken" and refused["message_bn"]
    assert len(await events(live, office, "meeting.scheduled")) == 1


async def test_decline_reason_travels_in_the_event_and_frees_the_phone(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    meeting = await asked(client, office, keys["kiosk"])
    dc = await staff_login("dc")
    declined = await dc.post(
        act(office, meeting["id"], "decline"),
        json={"reason_code": "use_counter", "reason": "৩ নম্বর কাউন্টারে নামজারি হয়"},
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    event = (await events(live, office, "meeting.declined"))[0]["data"]["meeting"]
    assert (event["reason_code"], event["reason"]) == ("use_counter", "৩ নম্বর কাউন্টারে নামজারি হয়")
    assert event["lang"] == "bn" and event["ref"] == "DC-001"
    again = await dc.post(act(office, meeting["id"], "schedule"), json={"at": "2025-03-02T12:00"})
    assert again.status_code == 409
    assert (await ask(client, office, keys["kiosk"])).status_code == 201


async def test_one_open_request_per_phone_per_official(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    first = await asked(client, office, keys["kiosk"])
    again = await ask(client, office, keys["kiosk"], phone="+880 1712-345678")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "already_requested" and error["ref"] == first["ref"]
    assert "id" in error and error["message_bn"]
    assert (await ask(client, office, keys["kiosk"], official="adc-general")).status_code == 201


async def test_daily_cap_answers_409_with_the_next_working_day(
    live: LiveServer, client: httpx.AsyncClient, keys: dict[str, str], clock: MovableClock
) -> None:
    from server.api.auth import create_api_key
    from server.store.offices import save_office

    base = office_config()
    capped = replace(base.officials["dc"], daily_cap=2)
    office = replace(base, officials={**base.officials, "dc": capped})
    await save_office(office)
    await store_of(live).install_office(office)
    kiosk = await create_api_key(store_of(live).redis, office.slug, "kiosk")
    clock.move(days=4)  # Thursday: the next working day is Sunday
    for phone in ("01711111111", "01722222222"):
        assert (await ask(client, office, kiosk, phone=phone)).status_code == 201
    full = await ask(client, office, kiosk, phone="01733333333")
    assert full.status_code == 409
    error = full.json()["error"]
    assert (error["code"], error["next_day"]) == ("official_full", "2025-03-09")
    later = await ask(client, office, kiosk, phone="01733333333", day=error["next_day"])
    assert later.status_code == 201, later.text
    assert (later.json()["day"], later.json()["ref"]) == ("2025-03-09", "DC-001")
    assert len(await events(live, office, "meeting.requested")) == 3


async def test_escalation_fires_after_the_target_in_office_hours_exactly_once(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    clock: MovableClock,
) -> None:
    clock.move(hours=2, minutes=50)  # 12:50: the lunch break does not count
    meeting = await asked(client, office, keys["kiosk"])
    store = meeting_store(store_of(live))
    clock.move(minutes=80)  # 14:10: 20 working minutes have passed
    await escalate_due(store, office.slug)
    assert await events(live, office, "meeting.escalated") == []
    clock.move(minutes=11)  # 14:21: 31 working minutes
    await asyncio.gather(*(escalate_due(store, office.slug) for _ in range(3)))
    await escalate_due(store, office.slug)
    escalated = await events(live, office, "meeting.escalated")
    assert len(escalated) == 1
    assert escalated[0]["data"]["meeting"]["id"] == meeting["id"]
    assert escalated[0]["data"]["waited_minutes"] == 91


async def test_an_official_cannot_act_on_or_list_another_officials_meetings(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str], staff_login: StaffLogin
) -> None:
    meeting = await asked(client, office, keys["kiosk"])
    adc = await staff_login("adc-general")
    base = f"/api/v1/offices/{office.slug}/meetings"
    assert (await adc.post(act(office, meeting["id"], "seen"))).status_code == 403
    refused = await adc.post(
        act(office, meeting["id"], "schedule"), json={"at": "2025-03-02T12:00"}
    )
    assert refused.status_code == 403 and refused.json()["error"]["message_bn"]
    assert (await adc.post(f"{base}/{meeting['id']}/reveal-phone")).status_code == 403
    assert (await adc.get(f"{base}?official=dc")).status_code == 403
    assert (await adc.get(f"{base}/report?official=dc")).status_code == 403
    assert (await adc.get(base)).json()["meetings"] == []
    assert (await client.get(base, headers=bearer(keys["kiosk"]))).status_code == 403
    admin = await client.get(base, headers=bearer(keys["admin"]))
    assert [m["id"] for m in admin.json()["meetings"]] == [meeting["id"]]


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "12345"},
        {"official": "nobody"},
        {"purpose": "bribe"},
        {"details": "ক" * 301},
        {"name": ""},
        {"day": "2025-02-30"},
        {"day": "2025-03-01"},
        {"day": "2025-03-07"},
        {"lang": "fr"},
    ],
)
async def test_bad_requests_are_refused_in_both_languages_and_write_nothing(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    change: dict[str, str],
) -> None:
    refused = await ask(client, office, keys["kiosk"], **change)
    assert 400 <= refused.status_code < 500, refused.text
    error = refused.json()["error"]
    assert error["message"] and error["message_bn"]
    assert await events(live, office) == []


@pytest.mark.parametrize(
    "at",
    [
        "2025-03-02T18:00+06:00",
        "2025-03-02T09:50+06:00",
        "2025-03-02T13:20+06:00",
        "2025-03-02T11:05+06:00",
        "2025-03-07T11:00+06:00",
        "2025-03-01T11:00+06:00",
        "tomorrow at ten",
        "",
    ],
)
async def test_bad_times_are_refused_and_write_nothing(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    clock: MovableClock,
    staff_login: StaffLogin,
    at: str,
) -> None:
    meeting = await asked(client, office, keys["kiosk"])
    dc = await staff_login("dc")
    clock.move(hours=1)  # 11:00, so 09:50 and 10:xx are in the past
    refused = await dc.post(act(office, meeting["id"], "schedule"), json={"at": at})
    assert 400 <= refused.status_code < 500, refused.text
    error = refused.json()["error"]
    assert error["field"] == "at" and error["message_bn"]
    assert [e["type"] for e in await events(live, office)] == ["meeting.requested"]
    malformed = await dc.post(
        act(office, meeting["id"], "schedule"),
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400


async def test_forward_reschedule_attend_reveal_and_report(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    clock: MovableClock,
    staff_login: StaffLogin,
) -> None:
    base = f"/api/v1/offices/{office.slug}/meetings"
    forwarded = await asked(client, office, keys["kiosk"])
    kept = await asked(client, office, keys["kiosk"], phone="01812345678")
    dc = await staff_login("dc")
    adc = await staff_login("adc-revenue")
    clock.move(minutes=5)
    moved = await dc.post(
        act(office, forwarded["id"], "forward"),
        json={"to": "adc-revenue", "deadline": "2025-03-02T15:00+06:00"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["official"]["slug"] == "adc-revenue"
    assert moved.json()["forwarded_from"] == "dc" and moved.json()["position"] == 0
    event = (await events(live, office, "meeting.forwarded"))[0]["data"]
    assert event["from_official"] == "dc" and event["deadline"] == "2025-03-02T15:00+06:00"
    assert (await dc.post(act(office, forwarded["id"], "seen"))).status_code == 403
    assert [m["id"] for m in (await adc.get(base)).json()["meetings"]] == [forwarded["id"]]

    at, later = "2025-03-02T10:30+06:00", "2025-03-02T14:00+06:00"
    assert (await dc.post(act(office, kept["id"], "schedule"), json={"at": at})).status_code == 200
    early = await dc.post(act(office, kept["id"], "attended"))
    assert early.status_code == 409 and early.json()["error"]["field"] == "at"
    moved_time = await dc.post(act(office, kept["id"], "reschedule"), json={"at": later})
    assert moved_time.status_code == 200 and moved_time.json()["at"] == later
    rescheduled = (await events(live, office, "meeting.rescheduled"))[0]["data"]
    assert rescheduled["previous_at"] == at
    # The old slot is free again: the forwarded request's new official is not involved.
    offered = (await dc.get(f"/api/v1/offices/{office.slug}/officials/dc/slots?days=1")).json()
    times = [s["time"] for s in offered["days"][0]["slots"]]
    assert "10:30" in times and "14:00" not in times
    clock.move(hours=4)
    done = await dc.post(act(office, kept["id"], "attended"))
    assert done.status_code == 200 and done.json()["status"] == "attended"

    revealed = await dc.post(f"{base}/{kept['id']}/reveal-phone")
    assert revealed.json()["phone"] == "+8801812345678"
    audit = await models.AuditLog.filter(office_id=office.slug, action="meeting.phone_revealed")
    assert [(a.target, a.role) for a in audit] == [(kept["id"], "official")]

    report = (await client.get(f"{base}/report", headers=bearer(keys["admin"]))).json()
    rows = {r["slug"]: r for r in report["officials"]}
    assert report["date"] == "2025-03-02"
    assert (rows["dc"]["requested"], rows["dc"]["replied"]) == (2, 2)
    assert rows["dc"]["avg_reply_minutes"] == 5.0
    # 14:05 now; the forward's deadline of 15:00 has not passed yet.
    assert rows["adc-revenue"]["pending"] == 1
    assert rows["adc-revenue"]["unanswered_past_target"] == 0
    clock.move(hours=1)
    report = (await client.get(f"{base}/report", headers=bearer(keys["admin"]))).json()
    rows = {r["slug"]: r for r in report["officials"]}
    assert rows["adc-revenue"]["unanswered_past_target"] == 1
    cancelled = await adc.post(act(office, forwarded["id"], "cancel"), json={"reason": "আসবেন না"})
    assert cancelled.json()["status"] == "cancelled"
