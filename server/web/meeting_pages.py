"""The meeting pages: the official's screen `/dc/{office}` and the citizen's `/m/{id}`.

The official's screen needs a staff login and gets everything over the official channel;
the citizen's page embeds the meeting's public view (no phone, no name) so it paints at once,
then polls `GET /api/v1/meetings/{id}`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.errors import ShebaError
from server.queue import meetings
from server.queue.meetings_store import meeting_store
from server.queue.store import QueueStore
from server.web.kiosk import qr_svg
from server.web.pages import page_version, render, templates


def _labels(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {code: {"bn": bn, "en": en} for code, (bn, en) in table.items()}


async def official_page(request: Request) -> Response:
    slug = request.path_params["office"]
    return await render(request, "dc/index.html", office=slug, role="official")


async def tracking_page(request: Request) -> Response:
    store: QueueStore = request.state.store
    raw = await meeting_store(store).find(request.path_params["meeting_id"])
    if raw is None:
        return templates.TemplateResponse(
            request, "meeting/not_found.html", {"version": page_version()}, status_code=404
        )
    office = await store.office(raw["office"])
    meeting: dict[str, Any] = meetings.tracking_view(raw, office, store.tz)
    meeting["position"] = await meeting_store(store).position(raw)
    boot = {"meeting": meeting, "reasons": _labels(meetings.DECLINE_REASONS)}
    return await render(request, "meeting/index.html", office=raw["office"], boot=boot)


async def tracking_qr(request: Request) -> Response:
    """The kiosk's QR code of the citizen's meeting page."""
    meeting_id = request.path_params["meeting_id"]
    store: QueueStore = request.state.store
    raw = await meeting_store(store).find(meeting_id) if len(meeting_id) <= 40 else None
    if raw is None:
        raise ShebaError("not_found", field="meeting")
    return qr_svg(f"{request.state.settings.base_url()}/m/{raw['id']}")


routes = [
    Route("/dc/{office}", official_page, name="official_page"),
    Route("/m/{meeting_id}", tracking_page, name="meeting_tracking_page"),
    Route("/m/{meeting_id}/qr.svg", tracking_qr, name="meeting_tracking_qr"),
]
