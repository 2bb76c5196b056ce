"""What several integration tests share: the office's clock under the test's hand, meeting
requests and actions, staff sessions for sockets, and the SMS gateway stand-in's transport."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from server.api.auth import SESSION_COOKIE
from server.hardware.sms.http import HttpGateway, load_config
from server.notify import Notifications
from server.notify.transports import SmsTransport
from server.queue import domain
from server.queue.office import Office
from server.store.models import Outbox
from tests.conftest import LiveServer, bearer, store_of
from tests.integration.http_stand_in import GatewayStandIn

TZ = ZoneInfo("Asia/Dhaka")


class MovableClock(domain.Clock):
    """The office's clock under the test's hand."""

    def __init__(self, moment: datetime) -> None:
        super().__init__(TZ)
        object.__setattr__(self, "moment", moment)

    def now(self) -> datetime:
        return self.moment  # type: ignore[attr-defined, no-any-return]

    def move(self, **delta: float) -> None:
        object.__setattr__(self, "moment", self.moment + timedelta(**delta))  # type: ignore[attr-defined]


@contextmanager
def office_clock(live: LiveServer, moment: datetime) -> Iterator[MovableClock]:
    """The live server's clock stopped at `moment`, moved only by the test; the real one
    again afterwards."""
    store = store_of(live)
    original = store.clock
    store.clock = clock = MovableClock(moment)
    try:
        yield clock
    finally:
        store.clock = original


async def ask(
    client: httpx.AsyncClient,
    office: Office,
    key: str,
    phone: str = "01712345678",
    official: str = "dc",
    **extra: Any,
) -> httpx.Response:
    """Request a meeting as the device with `key`; `extra` adds to or replaces the body."""
    body = {"official": official, "phone": phone, "name": "রহিম উদ্দিন", "purpose": "land"}
    return await client.post(
        f"/api/v1/offices/{office.slug}/meetings",
        json={**body, "details": "জমির নামজারি নিয়ে কথা বলতে চাই", **extra},
        headers=bearer(key),
    )


async def asked(
    client: httpx.AsyncClient, office: Office, key: str, **changes: Any
) -> dict[str, Any]:
    """The meeting `ask` files, which must be accepted."""
    response = await ask(client, office, key, **changes)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def act(office: Office, meeting_id: str, action: str) -> str:
    return f"/api/v1/offices/{office.slug}/meetings/{meeting_id}/{action}"


def session_header(client: httpx.AsyncClient) -> dict[str, str]:
    """The Cookie header of the session `client` carries, for a socket to present."""
    return {"Cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"}


def transport(stand_in: GatewayStandIn, *, idempotent: bool) -> SmsTransport:
    """An HTTP gateway sending JSON to the stand-in."""
    config = {
        "name": "stand-in",
        "url": f"{stand_in.url}/sms",
        "send_as": "json",
        "params": {"to": "{phone}", "text": "{text}", "coding": "{encoding}"},
        "message_id_path": "id",
        "timeout_secs": 30,
    }
    if idempotent:
        config["idempotency_header"] = "Idempotency-Key"
    return SmsTransport(HttpGateway(load_config(config)))


async def settled(
    notices: Notifications, office: Office, count: int, state: str = "sent"
) -> list[Outbox]:
    """Every outbox row of the office, once `count` of them are in `state`."""

    async def check() -> bool:
        return await Outbox.filter(office_id=office.slug, state=state).count() >= count

    await asyncio.wait_for(notices.sender.wait_until(check), 30)
    return await Outbox.filter(office_id=office.slug).order_by("id")
