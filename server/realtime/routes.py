"""HTTP and websocket routes of the realtime hub."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute

from server.realtime.socket import endpoint


async def metrics(request: Request) -> PlainTextResponse:
    """Prometheus scrape endpoint for this process's realtime series."""
    return PlainTextResponse(
        request.state.hub.metrics.render(), media_type="text/plain; version=0.0.4"
    )


routes = [
    WebSocketRoute("/ws/{office}/{channel}", endpoint),
    Route("/metrics", metrics, methods=["GET"]),
]
