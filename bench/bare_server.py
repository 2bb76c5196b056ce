"""The bare reference for bench/fanout.py: a Starlette websocket broadcast relayed through Redis.

POST /call?n=7 and POST /complete?n=7 append an event to a Redis stream, shaped and sized as
Sheba's display channel sends them; one XREAD BLOCK reader per process sends each entry to
every socket with a naive loop. No auth, no channels, no resume, no backpressure.
Run: BARE_REDIS_URL=redis://... uvicorn bench.bare_server:app
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

STREAM = "bare:events"
sockets: set[WebSocket] = set()
redis = Redis.from_url(os.environ.get("BARE_REDIS_URL", "redis://127.0.0.1:6379"))


async def relay() -> None:
    reader = Redis.from_url(os.environ.get("BARE_REDIS_URL", ""), socket_timeout=None)
    cursor = "$"
    while True:
        reply = await reader.xread({STREAM: cursor}, block=10_000)
        for _, entries in reply or []:
            for entry_id, fields in entries:
                cursor = entry_id
                message = fields[b"data"].decode()
                for ws in list(sockets):
                    with contextlib.suppress(Exception):
                        await ws.send_text(message)


async def socket(ws: WebSocket) -> None:
    await ws.accept()
    sockets.add(ws)
    try:
        while True:
            await ws.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        sockets.discard(ws)


def _event(n: int, kind: str, status: str) -> str:
    at = "2026-11-30T10:00:00+06:00"
    token = {
        "office": "magura",
        "service": "B",
        "number": n,
        "display": f"B-{n:03d}",
        "display_bn": "খ-০০" + "০১২৩৪৫৬৭৮৯"[n % 10],
        "status": status,
        "counter": 2,
        "recalls": 0,
        "issued_at": at,
        "called_at": at,
        "served_at": None,
        "completed_at": at if status == "completed" else None,
    }
    event = {
        "id": f"{n}-0",
        "epoch": "1",
        "type": kind,
        "office": "magura",
        "at": at,
        "data": {"token": token, "counter": 2},
    }
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


async def call(request: Request) -> Response:
    n = int(request.query_params["n"])
    await redis.xadd(STREAM, {"data": _event(n, "token.called", "called")}, maxlen=10_000)
    return Response(status_code=200)


async def complete(request: Request) -> Response:
    n = int(request.query_params["n"])
    await redis.xadd(STREAM, {"data": _event(n, "token.completed", "completed")}, maxlen=10_000)
    return Response(status_code=200)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    task = asyncio.create_task(relay())
    yield
    task.cancel()


app = Starlette(
    routes=[
        WebSocketRoute("/ws", socket),
        Route("/call", call, methods=["POST"]),
        Route("/complete", complete, methods=["POST"]),
    ],
    lifespan=lifespan,
)
