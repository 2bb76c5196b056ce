"""Devices (a kiosk, a hall display) get their API key once, at their setup screen, from an
admin who is logged in there: the key is shown to that page only and stored by it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.auth import authorise, create_api_key
from server.api.http import json_response, read_json, text_field
from server.errors import ShebaError

DEVICE_ROLES = ("kiosk", "display")


async def create_device(request: Request) -> Response:
    office = request.path_params["office"]
    actor = authorise(await request.state.sessions.actor(request), office, ("admin",))
    if actor.kind != "user":
        # A device key must not mint more device keys.
        raise ShebaError("forbidden")
    await request.state.store.office(office)
    body = await read_json(request)
    role = body.get("role")
    if role not in DEVICE_ROLES:
        raise ShebaError("invalid_input", field="role")
    label = text_field(body, "label", required=False, max_len=120)
    key = await create_api_key(request.state.redis, office, role, label)
    response = json_response({"role": role, "label": label, "key": key}, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [Route("/api/v1/offices/{office}/devices", create_device, methods=["POST"])]
