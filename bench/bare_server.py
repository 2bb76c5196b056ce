"""The bare reference for bench/fanout.py: a Starlette websocket broadcast relayed through Redis.

POST /call?n=7 appends an event to a Redis stream; one XREAD BLOCK reader per process sends
each entry to every socket with a naive loop. No auth, no channels, no resume, no backpressure.
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


async def call(request: Request) -> Response:
    n = int(request.query_params["n"])
    token = {"service": "B", "number": n, "display": f"B-{n:03d}", "status": "called"}
    data = {"type": "token.called", "data": {"token": token, "counter": 2}}
    await redis.xadd(STREAM, {"data": json.dumps(data, separators=(",", ":"))}, maxlen=10_000)
    return Response(status_code=200)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    task = asyncio.create_task(relay())
    yield
    task.cancel()


app = Starlette(
    routes=[WebSocketRoute("/ws", socket), Route("/call", call, methods=["POST"])],
    lifespan=lifespan,
)
