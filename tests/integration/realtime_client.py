"""Small helpers for talking to the realtime hub and the queue API from tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.queue.office import Office
from tests.conftest import bearer


def ws_connect(
    base: str, office: str, channel: str, headers: dict[str, str] | None = None, **query: str
) -> connect:
    url = f"{base}/ws/{office}/{channel}"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return connect(url, additional_headers=headers or {}, compression=None, open_timeout=10)


async def recv(ws: ClientConnection) -> dict[str, Any]:
    """The next message that is not a keep-alive ping (within ten seconds)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("type") != "ping":
            return message  # type: ignore[no-any-return]


async def close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes the socket (within ten seconds); its close code."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def issue(client: httpx.AsyncClient, office: Office, key: str, service: str = "B") -> str:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens",
        json={"service": service, "phone": "01712345678"},
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def call_next(
    client: httpx.AsyncClient, office: Office, key: str, counter: int = 2
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/counters/{counter}/call-next", headers=bearer(key)
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def complete(client: httpx.AsyncClient, office: Office, key: str, token_id: str) -> None:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens/{token_id}/complete",
        json={"outcome": "done"},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.text


async def cycle(client: httpx.AsyncClient, office: Office, key: str) -> str:
    """Issue a token, call it to counter 2 and complete it: three events."""
    token_id = await issue(client, office, key)
    called = await call_next(client, office, key)
    await complete(client, office, key, called["id"])
    return token_id
