"""A real HTTP server on loopback that plays an SMS gateway: records requests, answers as told."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Recorded:
    """One request as the server saw it, decoded the way a gateway would decode it."""

    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class GatewayStandIn:
    """Answers every request with `status` and `body` (JSON if not str or bytes).

    `hang()` makes it hold requests until it stops (a gateway that never answers);
    `delay_secs` makes it answer late but answer.
    """

    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    delay_secs: float = 0.0
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    _hanging: bool = False
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def answer(self, status: int, body: Any) -> None:
        self.status, self.body = status, body

    def hang(self) -> None:
        self._hanging = True

    def reset(self) -> None:
        """Forget requests, answer 200 again, and let any held request go."""
        self._release.set()
        self._release = asyncio.Event()
        self._hanging = False
        self.status, self.body, self.delay_secs = 200, {"ok": True}, 0.0
        self.requests.clear()

    async def _endpoint(self, request: Request) -> Response:
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.url.path,
                headers={key.lower(): value for key, value in request.headers.items()},
                query=dict(request.query_params),
                body=await request.body(),
            )
        )
        if self._hanging:
            await self._release.wait()
            return Response("released", 503)
        if self.delay_secs:
            await asyncio.sleep(self.delay_secs)  # the behaviour under test: a slow gateway
        if isinstance(self.body, str | bytes):
            return Response(self.body, self.status, media_type="text/plain")
        return Response(json.dumps(self.body), self.status, media_type="application/json")

    @asynccontextmanager
    async def running(self) -> AsyncIterator[GatewayStandIn]:
        # Bound and listening before uvicorn starts: a client may connect at once and is
        # served as soon as the server task runs, so nothing has to wait for "started".
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        config = uvicorn.Config(
            app, lifespan="off", log_level="warning", access_log=False, ws="none", http="h11"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            yield self
        finally:
            self._release.set()
            server.should_exit = True
            await task
            sock.close()
