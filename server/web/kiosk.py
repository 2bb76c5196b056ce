"""The kiosk, its one-time device setup, and the citizen's tracking page with its QR code."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.http import json_response
from server.errors import ShebaError
from server.queue.store import QueueStore
from server.realtime import snapshot
from server.web.pages import not_found_page, render

DEVICE_ROLES = ("kiosk", "display")
# The kiosk goes back to its start screen after this long without a touch.
IDLE_SECS = 60
# The printed token stays on the screen this long after printing.
DONE_SECS = 20


async def kiosk_snapshot(store: QueueStore, slug: str) -> dict[str, Any]:
    """What a kiosk shows: the kiosk channel's snapshot, so the page, its poll and the
    socket agree (services with queues, waits and charter, and the printer's state)."""
    return await snapshot.build(store, slug, "kiosk", None)


def _seconds(request: Request, name: str, default: int) -> int:
    """A timeout from the query string (`?idle=5`): tests and demos shorten it."""
    value = request.query_params.get(name, "")
    return max(1, min(int(value), 3600)) if value.isdigit() else default


async def kiosk_page(request: Request) -> Response:
    slug = request.path_params["office"]
    store: QueueStore = request.state.store
    try:
        boot = await kiosk_snapshot(store, slug)
    except ShebaError:
        boot = None  # render() answers with the friendly not-found page
    return await render(
        request,
        "kiosk/index.html",
        office=slug,
        role="kiosk",
        boot=boot,
        idle_secs=_seconds(request, "idle", IDLE_SECS),
        done_secs=_seconds(request, "done", DONE_SECS),
    )


async def kiosk_setup_page(request: Request) -> Response:
    return await render(
        request, "kiosk/setup.html", office=request.path_params["office"], role="kiosk"
    )


async def kiosk_state(request: Request) -> Response:
    return json_response(await kiosk_snapshot(request.state.store, request.path_params["office"]))


async def _tracked(request: Request) -> tuple[QueueStore, dict[str, str] | None]:
    store: QueueStore = request.state.store
    token_id = request.path_params["token_id"]
    if len(token_id) > 40:
        return store, None
    return store, await store.find_token(token_id)


async def tracking_page(request: Request) -> Response:
    store, raw = await _tracked(request)
    if raw is None:
        return not_found_page(request)
    token = await store.token_view(raw)
    token.pop("phone_masked", None)
    office = await store.office(raw["office"])
    service = office.service(raw["service"])
    boot = {
        "token": token,
        "service": {"code": service.code, "name_bn": service.name_bn, "name_en": service.name_en},
        "counters": [
            {"number": c.number, "name_bn": c.name_bn, "name_en": c.name_en}
            for c in office.counters.values()
        ],
    }
    return await render(request, "track/index.html", office=office.slug, role="track", boot=boot)


async def tracking_qr(request: Request) -> Response:
    _, raw = await _tracked(request)
    if raw is None:
        raise ShebaError("not_found", field="token")
    return qr_svg(f"{request.state.settings.base_url()}/t/{raw['id']}")


def qr_svg(url: str) -> Response:
    """A QR code of a tracking link, as an SVG the kiosk shows beside the number."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, border=2, image_factory=qrcode.image.svg.SvgPathImage
    )
    code.add_data(url)
    out = io.BytesIO()
    code.make_image().save(out)
    return Response(
        out.getvalue(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=86400"},
    )


routes = [
    Route("/kiosk/{office}", kiosk_page, name="kiosk_page"),
    Route("/kiosk/{office}/setup", kiosk_setup_page, name="kiosk_setup"),
    Route("/api/v1/offices/{office}/kiosk", kiosk_state, methods=["GET"]),
    Route("/t/{token_id}", tracking_page, name="tracking_page"),
    Route("/t/{token_id}/qr.svg", tracking_qr, name="tracking_qr"),
]
