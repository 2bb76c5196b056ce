"""Staff log in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.auth import SESSION_COOKIE
from server.api.http import json_response, read_json, text_field
from server.errors import ShebaError


async def login(request: Request) -> Response:
    body = await read_json(request)
    username = text_field(body, "username", max_len=60)
    password = text_field(body, "password", max_len=200)
    device = request.headers.get("x-sheba-device") or request.headers.get("user-agent", "")
    cookie, actor = await request.state.sessions.login(username, password, device)
    response = json_response(
        {
            "username": username,
            "name": actor.name,
            "role": actor.role,
            "office": actor.office,
            "official": actor.official,
        }
    )
    settings = request.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_ttl_secs,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    await request.state.sessions.logout(request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def whoami(request: Request) -> Response:
    actor = await request.state.sessions.actor(request)
    if actor is None:
        raise ShebaError("unauthorized")
    return json_response(
        {
            "name": actor.name,
            "role": actor.role,
            "office": actor.office,
            "official": actor.official,
            "kind": actor.kind,
        }
    )


routes = [
    Route("/api/v1/auth/login", login, methods=["POST"]),
    Route("/api/v1/auth/logout", logout, methods=["POST"]),
    Route("/api/v1/auth/me", whoami, methods=["GET"]),
]
