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
from server.queue import domain, hours, keys
from server.queue.store import QueueStore
from server.web.pages import not_found_page, render

DEVICE_ROLES = ("kiosk", "display")
# The kiosk goes back to its start screen after this long without a touch.
IDLE_SECS = 60
# The printed token stays on the screen this long after printing.
DONE_SECS = 20


async def kiosk_snapshot(store: QueueStore, slug: str) -> dict[str, Any]:
    """What a kiosk shows: services with their queues and waits, and the printer's state.

    The same shape as the kiosk channel's websocket snapshot, plus each service's charter
    (documents, fee, time), which a kiosk needs for its confirm screen.
    """
    office = await store.office(slug)
    now = store.clock.now()
    waiting = await store.queue_lengths(slug)
    open_counters = {c["number"] for c in await store.counters(slug) if c.get("state") == "open"}
    printer = await store.redis.hgetall(keys.printer(slug))
    services = []
    for s in office.services.values():
        serving = len(open_counters & set(office.counters_serving(s.code))) or 1
        avg = await store.avg_service_secs(office, s.code)
        services.append(
            {
                "code": s.code,
                "prefix_bn": s.prefix_bn,
                "name_bn": s.name_bn,
                "name_en": s.name_en,
                "open": hours.is_open(office, s, now),
                "waiting": waiting.get(s.code, 0),
                "eta_minutes": domain.eta_minutes(waiting.get(s.code, 0), avg, serving),
                "icon": s.icon,
                "documents_bn": list(s.documents_bn),
                "documents_en": list(s.documents_en),
                "fee_bn": s.fee_bn,
                "fee_en": s.fee_en,
                "max_time_bn": s.max_time_bn,
                "max_time_en": s.max_time_en,
            }
        )
    return {
        "office": {"slug": office.slug, "name_bn": office.name_bn, "name_en": office.name_en},
        "services": services,
        "printer": {
            "state": printer.get("state", "ok"),
            "message": printer.get("message", ""),
        },
    }


def _seconds(request: Request, name: str, default: int) -> int:
    """A timeout from the query string (`?idle=5`): tests and demos shorten it."""
    value = request.query_params.get(name, "")
    return max(1, min(int(value), 3600)) if value.isdigit() else default


async def kiosk_page(request: Request) -> Response:
    slug = request.path_params["office"]
    store: QueueStore = request.state.store
    try:
        snapshot = await kiosk_snapshot(store, slug)
    except ShebaError:
        snapshot = None  # render() answers with the friendly not-found page
    return await render(
        request,
        "kiosk/index.html",
        office=slug,
        role="kiosk",
        boot=snapshot,
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
