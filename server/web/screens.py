"""The counter console and the hall display: their pages, and the display's snapshot.

The snapshot has the realtime display channel's shape; the page shell embeds it so the TV
paints at once, and the page may read it again over HTTP when it cannot hold a socket.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.http import json_response
from server.errors import ShebaError
from server.queue import domain, keys
from server.queue.store import QueueStore
from server.web.pages import page, render

RECENT_CALLS = 10
ON_SCREEN = frozenset({domain.CALLED, domain.SERVING})


async def display_snapshot(store: QueueStore, slug: str) -> dict[str, Any]:
    """What a hall screen may know: counters, their current tokens, the latest calls.
    Redacted: no phone, no names, no notes."""
    office = await store.office(slug)
    counters = await store.counters(slug)
    recent_ids: list[str] = await store.redis.lrange(keys.recent_calls(slug), 0, -1)
    wanted = list(dict.fromkeys([c["token"] for c in counters if c["token"]] + recent_ids))
    pipe = store.redis.pipeline(transaction=False)
    for token_id in wanted:
        pipe.hgetall(keys.token(slug, token_id))
    raws = {tid: raw for tid, raw in zip(wanted, await pipe.execute(), strict=True) if raw}

    def shown(token_id: str | None) -> dict[str, Any] | None:
        raw = raws.get(token_id or "")
        return domain.redacted_token(raw, store.tz) if raw else None

    recent = []
    for token_id in dict.fromkeys(recent_ids):
        token = shown(token_id)
        if token and token["counter"] is not None:
            recent.append({"token": token, "counter": token["counter"]})
        if len(recent) == RECENT_CALLS:
            break
    return {
        "office": {"slug": office.slug, "name_bn": office.name_bn, "name_en": office.name_en},
        "counters": [
            {
                "number": c["number"],
                "name_bn": c["name_bn"],
                "name_en": c["name_en"],
                "state": c["state"],
                "token": token
                if (token := shown(c["token"])) and token["status"] in ON_SCREEN
                else None,
            }
            for c in counters
        ],
        "recent": recent,
        "epoch": await store.epoch(slug),
    }


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
