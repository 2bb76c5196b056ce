"""The official channel against a real server: each official sees their own requests, live,
with masked phones; public screens never see a meeting."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from server.api.auth import SESSION_COOKIE, hash_password
from server.queue.office import Office
from server.store import models
from tests.conftest import LiveServer, bearer
from tests.integration.realtime_client import call_next, close_code, issue, recv, ws_connect

RAW_PHONE = "+8801712345678"
Login = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
async def login(live: LiveServer, office: Office) -> AsyncIterator[Login]:
    """Create a staff user and log in: the Cookie header of that session."""

    async def log_in(official: str | None, role: str = "official") -> dict[str, str]:
        username = f"{official or role}-{secrets.token_hex(4)}"
        await models.StaffUser.create(
            username=username,
            password_hash=hash_password("pw"),
            role=role,
            office_id=office.slug,
            official_slug=official,
        )
        async with httpx.AsyncClient(base_url=live.url) as client:
            done = await client.post(
                "/api/v1/auth/login", json={"username": username, "password": "pw"}
            )
            assert done.status_code == 200, done.text
            return {"Cookie": f"{SESSION_COOKIE}={done.cookies[SESSION_COOKIE]}"}

    yield log_in


async def ask(
    client: httpx.AsyncClient, office: Office, key: str, official: str = "dc", phone: str = ""
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/meetings",
        json={
            "official": official,
            "phone": phone or "01712345678",
            "name": "রহিম উদ্দিন",
            "purpose": "land",
            "details": "নামজারি",
        },
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


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
    login: Login,
) -> None:
    dc, adc = await login("dc"), await login("adc-general")
    async with (
        ws_connect(live.ws_url, office.slug, "official", dc) as dc_ws,
        ws_connect(live.ws_url, office.slug, "official", adc) as adc_ws,
        ws_connect(live.ws_url, office.slug, "display") as display_ws,
        ws_connect(live.ws_url, office.slug, "kiosk") as kiosk_ws,
    ):
        for ws in (dc_ws, adc_ws, display_ws, kiosk_ws):
            assert (await recv(ws))["type"] == "snapshot"
        started = time.monotonic()
        meeting = await ask(client, office, keys["kiosk"])
        event = await recv(dc_ws)
        assert time.monotonic() - started < 1.0
        assert event["type"] == "meeting.requested"
        shown = event["data"]["meeting"]
        assert shown["id"] == meeting["id"] and shown["phone_masked"] == "017••••5678"
        assert shown["official"]["slug"] == "dc" and shown["purpose_bn"] == "জমিজমা সংক্রান্ত"
        assert RAW_PHONE not in json.dumps(event) and "phone" not in shown

        # The ADC's next message is the ADC's own request, not the DC's.
        theirs = await ask(client, office, keys["kiosk"], official="adc-general")
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
    login: Login,
) -> None:
    first = await ask(client, office, keys["kiosk"])
    second = await ask(client, office, keys["kiosk"], phone="01812345678")
    await ask(client, office, keys["kiosk"], official="adc-general")
    async with ws_connect(live.ws_url, office.slug, "official", await login("dc")) as ws:
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
    login: Login,
) -> None:
    await ask(client, office, keys["kiosk"])
    adcs = await ask(client, office, keys["kiosk"], official="adc-general")
    admin = await login(None, role="admin")
    async with ws_connect(
        live.ws_url, office.slug, "official", admin, official="adc-general"
    ) as ws:
        data = (await recv(ws))["data"]
        assert [m["id"] for m in data["meetings"]["pending"]] == [adcs["id"]]
        await ask(client, office, keys["kiosk"], phone="01912345678")
        mine = await ask(client, office, keys["kiosk"], official="adc-general", phone="01912345678")
        assert (await recv(ws))["data"]["meeting"]["id"] == mine["id"]
    async with ws_connect(live.ws_url, office.slug, "official", admin) as ws:
        data = (await recv(ws))["data"]
        assert data["official"] is None and len(data["meetings"]["pending"]) == 4
    async with ws_connect(live.ws_url, office.slug, "official", admin, official="nobody") as ws:
        assert await close_code(ws) == 4404
    dc = await login("dc")
    async with ws_connect(live.ws_url, office.slug, "official", dc, official="adc-general") as ws:
        data = (await recv(ws))["data"]
        assert data["official"]["slug"] == "dc"
        assert all(m["official"]["slug"] == "dc" for m in data["meetings"]["pending"])


async def test_forwarding_tells_both_officials_and_admin_sees_masked_phones(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    login: Login,
) -> None:
    meeting = await ask(client, office, keys["kiosk"])
    dc, adc = await login("dc"), await login("adc-general")
    async with (
        ws_connect(live.ws_url, office.slug, "official", dc) as dc_ws,
        ws_connect(live.ws_url, office.slug, "official", adc) as adc_ws,
        ws_connect(live.ws_url, office.slug, "admin", bearer(keys["admin"])) as admin_ws,
    ):
        for ws in (dc_ws, adc_ws, admin_ws):
            await recv(ws)
        done = await client.post(
            f"/api/v1/offices/{office.slug}/meetings/{meeting['id']}/forward",
            json={"to": "adc-general", "deadline": "2099-01-01T12:00+06:00"},
            headers=dc,
        )
        assert done.status_code == 200, done.text
        for ws in (dc_ws, adc_ws, admin_ws):
            event = await recv(ws)
            assert event["type"] == "meeting.forwarded"
            assert event["data"]["meeting"]["official"]["slug"] == "adc-general"
            assert event["data"]["from_official"] == "dc"
            assert RAW_PHONE not in json.dumps(event)
