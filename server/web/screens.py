"""The counter console and the hall display: their pages, and the display's snapshot.

The shell embeds the display channel's snapshot so the TV paints at once; the page may read
it again over HTTP when it cannot hold a socket.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.http import json_response
from server.errors import ShebaError
from server.queue.store import QueueStore
from server.realtime import snapshot
from server.web.pages import page, render


async def display_snapshot(store: QueueStore, slug: str) -> dict[str, Any]:
    """What a hall screen may know (the display channel's snapshot): counters, their current
    tokens and the latest calls; no phone, no name, not even the token's private id."""
    return await snapshot.display(store, slug, None)


async def display_page(request: Request) -> Response:
    slug = request.path_params["office"]
    try:
        boot = await display_snapshot(request.state.store, slug)
    except ShebaError:
        boot = {}
    return await render(request, "display/index.html", office=slug, role="display", boot=boot)


async def display_data(request: Request) -> Response:
    response = json_response(
        await display_snapshot(request.state.store, request.path_params["office"])
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def display_setup(request: Request) -> Response:
    slug = request.path_params["office"]
    return await render(request, "display/setup.html", office=slug, role="display")


routes = [
    Route("/display/{office}", display_page, name="display_page"),
    Route("/display/{office}/setup", display_setup, name="display_setup"),
    Route("/api/v1/offices/{office}/display", display_data, methods=["GET"]),
    page("counter/index.html"),
]
