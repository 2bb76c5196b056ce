"""A simulated day at the DC's office: 55 requests from the kiosk, each seen live on the DC's
screen, each answered, each answer one SMS to the right phone, and a correct report."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import httpx
import pytest

from server.notify import Notifications
from server.queue.office import Office
from server.store.models import Outbox
from tests.conftest import LiveServer, StaffLogin, bearer
from tests.integration.helpers import (
    TZ,
    MovableClock,
    act,
    office_clock,
    session_header,
    transport,
)
from tests.integration.http_stand_in import GatewayStandIn
from tests.integration.realtime_client import recv, ws_connect

REQUESTS = 55
# The kiosk files one request every two minutes from half past nine.
ARRIVAL_MINUTES = 2


@pytest.fixture
def morning(live: LiveServer) -> Iterator[MovableClock]:
    """The next working morning at 09:30 in Dhaka: ahead of the real clock by less than the
    stream's retention, so nothing the day writes is trimmed or too old to text about."""
    day = datetime.now(TZ).date() + timedelta(days=1)
    while day.weekday() in (4, 5):  # Friday and Saturday are the weekend
        day += timedelta(days=1)
    with office_clock(live, datetime.combine(day, time(9, 30), TZ)) as clock:
        yield clock


async def test_a_day_of_fifty_five_requests(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    notices: Notifications,
    stand_in: GatewayStandIn,
    staff_login: StaffLogin,
    morning: MovableClock,
) -> None:
    await notices.sender.replace(transport(stand_in, idempotent=False))
    dc = await staff_login("dc")
    phones = [f"+88017{n:08d}" for n in range(REQUESTS)]
    async with ws_connect(live.ws_url, office.slug, "official", session_header(dc)) as screen:
        assert (await recv(screen))["type"] == "snapshot"
        meetings = []
        for phone in phones:
            response = await client.post(
                f"/api/v1/offices/{office.slug}/meetings",
                json={"official": "dc", "phone": phone, "name": "নাগরিক", "purpose": "land"},
                headers=bearer(keys["kiosk"]),
            )
            assert response.status_code == 201, response.text
            meetings.append(response.json())
            shown = await recv(screen)
            assert shown["type"] == "meeting.requested"
            assert shown["data"]["meeting"]["id"] == meetings[-1]["id"]
            morning.move(minutes=ARRIVAL_MINUTES)

    # The DC answers them in order, one a minute: every fifth is declined, the rest get the
    # next free slot of the coming days.
    expected_minutes = []
    for i, meeting in enumerate(meetings):
        if i % 5 == 4:
            body, action = {"reason_code": "use_counter", "reason": "কাউন্টারে যান"}, "decline"
        else:
            offered = (
                await dc.get(f"/api/v1/offices/{office.slug}/officials/dc/slots?days=7")
            ).json()
            slot = next(s for day in offered["days"] for s in day["slots"])
            body, action = {"at": slot["at"]}, "schedule"
        answered = await dc.post(act(office, meeting["id"], action), json=body)
        assert answered.status_code == 200, answered.text
        requested = datetime.fromisoformat(meeting["requested_at"])
        expected_minutes.append((morning.now() - requested).total_seconds() / 60)
        morning.move(minutes=1)

    day = meetings[0]["day"]
    report = (await dc.get(f"/api/v1/offices/{office.slug}/meetings/report?date={day}")).json()

    async def all_sent() -> bool:
        return await Outbox.filter(office_id=office.slug, state="sent").count() >= 2 * REQUESTS

    await asyncio.wait_for(notices.sender.wait_until(all_sent), 60)
    rows = await Outbox.filter(office_id=office.slug)
    assert len(rows) == 2 * REQUESTS
    per_phone = Counter((r.phone, r.template) for r in rows)
    for i, phone in enumerate(phones):
        answer = "meeting.declined" if i % 5 == 4 else "meeting.scheduled"
        assert per_phone[(phone, "meeting.requested")] == 1
        assert per_phone[(phone, answer)] == 1
    delivered = Counter(r.json["to"] for r in stand_in.requests)
    assert all(delivered[phone] == 2 for phone in phones)

    (dc_report,) = [o for o in report["officials"] if o["slug"] == "dc"]
    assert dc_report["requested"] == REQUESTS and dc_report["replied"] == REQUESTS
    assert dc_report["max_reply_minutes"] == round(max(expected_minutes), 1)
    assert dc_report["avg_reply_minutes"] == round(sum(expected_minutes) / REQUESTS, 1)
