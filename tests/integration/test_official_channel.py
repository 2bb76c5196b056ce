"""The official channel against a real server: each official sees their own requests, live,
with masked phones; public screens never see a meeting."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
from websockets.asyncio.client import ClientConnection

from server.queue.office import Office
from tests.conftest import LiveServer, StaffLogin, bearer
from tests.integration.helpers import act, asked, session_header
from tests.integration.realtime_client import call_next, close_code, issue, recv, ws_connect

RAW_PHONE = "+8801712345678"


async def frames_until(ws: ClientConnection, last_type: str) -> list[str]:
    """Every frame (pings aside) up to and including the first of `last_type`."""
    frames = []
    while True:
        frame = await asyncio.wait_for(ws.recv(), 10)
        message = json.loads(frame)
        if message.get("type") == "ping":
            continue
        frames.append(str(frame))
        if message.get("type") == last_type:
            return frames


async def test_a_request_reaches_its_official_within_a_second_and_nobody_else(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    dc, adc = await staff_login("dc"), await staff_login("adc-general")
    async with (
        ws_connect(live.ws_url, office.slug, "official", session_header(dc)) as dc_ws,
        ws_connect(live.ws_url, office.slug, "official", session_header(adc)) as adc_ws,
        ws_connect(live.ws_url, office.slug, "display") as display_ws,
        ws_connect(live.ws_url, office.slug, "kiosk") as kiosk_ws,
    ):
        for ws in (dc_ws, adc_ws, display_ws, kiosk_ws):
            assert (await recv(ws))["type"] == "snapshot"
        started = time.monotonic()
        meeting = await asked(client, office, keys["kiosk"])
        event = await recv(dc_ws)
        assert time.monotonic() - started < 1.0
        assert event["type"] == "meeting.requested"
        shown = event["data"]["meeting"]
        assert shown["id"] == meeting["id"] and shown["phone_masked"] == "017••••5678"
        assert shown["official"]["slug"] == "dc" and shown["purpose_bn"] == "জমিজমা সংক্রান্ত"
        assert RAW_PHONE not in json.dumps(event) and "phone" not in shown

        # The ADC's next message is the ADC's own request, not the DC's.
        theirs = await asked(client, office, keys["kiosk"], official="adc-general")
        event = await recv(adc_ws)
        assert (event["type"], event["data"]["meeting"]["id"]) == (
            "meeting.requested",
            theirs["id"],
        )

        # Public screens: a token call arrives, no meeting event before it.
        await issue(client, office, keys["counter"])
        await call_next(client, office, keys["counter"])
        for ws in (display_ws, kiosk_ws):
            frames = await frames_until(ws, "token.called")
            assert not any('"meeting.' in f or "রহিম" in f for f in frames), frames


async def test_snapshot_lists_pending_oldest_first_with_stats_and_masked_phones(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    first = await asked(client, office, keys["kiosk"])
    second = await asked(client, office, keys["kiosk"], phone="01812345678")
    await asked(client, office, keys["kiosk"], official="adc-general")
    dc = session_header(await staff_login("dc"))
    async with ws_connect(live.ws_url, office.slug, "official", dc) as ws:
        snapshot = await recv(ws)
    data = snapshot["data"]
    assert data["official"]["slug"] == "dc" and data["official"]["name_bn"] == "জেলা প্রশাসক"
    assert data["reply_target_minutes"] == office.officials["dc"].reply_target_minutes
    pending = data["meetings"]["pending"]
    assert [m["id"] for m in pending] == [first["id"], second["id"]]
    assert [m["position"] for m in pending] == [0, 1]
    assert pending[0]["waited_minutes"] == 0 and pending[0]["seen_at"] is None
    assert pending[0]["name"] == "রহিম উদ্দিন" and pending[0]["ref_bn"] == "ডিসি-০০১"
    assert data["meetings"]["scheduled"] == []
    stats = data["meetings"]["stats"]
    assert (stats["waiting"], stats["requested_today"], stats["replied_today"]) == (2, 2, 0)
    assert RAW_PHONE not in json.dumps(snapshot)


async def test_admin_may_view_any_official_and_an_official_only_their_own(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    await asked(client, office, keys["kiosk"])
    adcs = await asked(client, office, keys["kiosk"], official="adc-general")
    admin = session_header(await staff_login(role="admin"))
    async with ws_connect(
        live.ws_url, office.slug, "official", admin, official="adc-general"
    ) as ws:
        data = (await recv(ws))["data"]
        assert [m["id"] for m in data["meetings"]["pending"]] == [adcs["id"]]
        await asked(client, office, keys["kiosk"], phone="01912345678")
        mine = await asked(
            client, office, keys["kiosk"], official="adc-general", phone="01912345678"
        )
        assert (await recv(ws))["data"]["meeting"]["id"] == mine["id"]
    async with ws_connect(live.ws_url, office.slug, "official", admin) as ws:
        data = (await recv(ws))["data"]
        assert data["official"] is None and len(data["meetings"]["pending"]) == 4
    async with ws_connect(live.ws_url, office.slug, "official", admin, official="nobody") as ws:
        assert await close_code(ws) == 4404
    dc = session_header(await staff_login("dc"))
    async with ws_connect(live.ws_url, office.slug, "official", dc, official="adc-general") as ws:
        data = (await recv(ws))["data"]
        assert data["official"]["slug"] == "dc"
        assert all(m["official"]["slug"] == "dc" for m in data["meetings"]["pending"])


async def test_forwarding_tells_both_officials_and_admin_sees_masked_phones(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    meeting = await asked(client, office, keys["kiosk"])
    dc, adc = await staff_login("dc"), await staff_login("adc-general")
    async with (
        ws_connect(live.ws_url, office.slug, "official", session_header(dc)) as dc_ws,
        ws_connect(live.ws_url, office.slug, "official", session_header(adc)) as adc_ws,
        ws_connect(live.ws_url, office.slug, "admin", bearer(keys["admin"])) as admin_ws,
    ):
        for ws in (dc_ws, adc_ws, admin_ws):
            await recv(ws)
        done = await dc.post(
            act(office, meeting["id"], "forward"),
            json={"to": "adc-general", "deadline": "2099-01-01T12:00+06:00"},
        )
        assert done.status_code == 200, done.text
        for ws in (dc_ws, adc_ws, admin_ws):
            event = await recv(ws)
            assert event["type"] == "meeting.forwarded"
            assert event["data"]["meeting"]["official"]["slug"] == "adc-general"
            assert event["data"]["from_official"] == "dc"
            assert RAW_PHONE not in json.dumps(event)
