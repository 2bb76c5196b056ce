"""A meeting's life reaches the citizen's phone: one SMS per step, the time in Bengali."""

from __future__ import annotations

from datetime import datetime

import httpx

from server.bengali import bn_time, to_bn_digits
from server.notify import Notifications
from server.queue.office import Office
from tests.conftest import LiveServer, StaffLogin
from tests.integration.helpers import act, asked, settled, transport
from tests.integration.http_stand_in import GatewayStandIn


async def test_request_and_schedule_send_exactly_one_sms_each_with_the_bengali_time(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    notices: Notifications,
    stand_in: GatewayStandIn,
    staff_login: StaffLogin,
) -> None:
    await notices.sender.replace(transport(stand_in, idempotent=False))
    meeting = await asked(client, office, keys["kiosk"], phone="01612345678")
    await settled(notices, office, 1)

    dc = await staff_login("dc")
    offered = (await dc.get(f"/api/v1/offices/{office.slug}/officials/dc/slots?days=3")).json()
    slot = next(s for day in offered["days"] for s in day["slots"])
    scheduled = await dc.post(act(office, meeting["id"], "schedule"), json={"at": slot["at"]})
    assert scheduled.status_code == 200, scheduled.text

    rows = await settled(notices, office, 2)
    assert [r.template for r in rows] == ["meeting.requested", "meeting.scheduled"]
    texts = [r.json["text"] for r in stand_in.requests if r.json["to"] == "+8801612345678"]
    assert len(texts) == 2
    assert meeting["ref_bn"] in texts[0]
    at = datetime.fromisoformat(slot["at"])
    assert bn_time(at).split(" ", 1)[1] in texts[1], texts[1]
    assert to_bn_digits(at.day) in texts[1]
    assert not any(ch.isdigit() and ch.isascii() for ch in texts[1].split("নম্বর")[0])
