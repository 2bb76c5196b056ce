"""Reading requests and writing responses: JSON bodies with limits, and the error shape."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.errors import ShebaError
from server.settings import Settings
from server.web.pages import not_found_page

log = logging.getLogger(__name__)

# Addresses that programs, not people, ask for: their errors keep the JSON shape even when a
# browser asks (a missing script or API route must not come back as a page).
MACHINE_PATHS = ("/api/", "/static/", "/ws/", "/metrics", "/healthz")


async def read_json(request: Request, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, refusing what is too large, not JSON, or not an object."""
    settings: Settings = request.state.settings
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ShebaError("too_large")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ShebaError("too_large")
    if not body.strip():
        if optional:
            return {}
        raise ShebaError("invalid_json")
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ShebaError("invalid_json") from None
    if not isinstance(value, dict):
        raise ShebaError("invalid_input", "Send a JSON object.", "একটি JSON অবজেক্ট পাঠান।")
    return value


def text_field(
    body: dict[str, Any], name: str, *, required: bool = True, max_len: int = 500
) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise ShebaError(
            "invalid_input",
            f"'{name}' must be text of at most {max_len} characters.",
            f"'{name}' সর্বোচ্চ {max_len} অক্ষরের লেখা হতে হবে।",
            field=name,
        )
    return value.strip()


def int_field(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ShebaError(
            "invalid_input",
            f"'{name}' must be a whole number.",
            f"'{name}' একটি পূর্ণ সংখ্যা হতে হবে।",
            field=name,
        )
    return int(value)


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def sheba_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ShebaError)
    headers = {}
    if exc.code == "locked" and exc.extra.get("retry_after_secs"):
        headers["Retry-After"] = str(max(1, int(exc.extra["retry_after_secs"])))
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


def wants_page(request: Request) -> bool:
    """A browser opening an address (a mistyped link, a screen set up with the wrong URL)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.url.path.startswith(MACHINE_PATHS)
        and "text/html" in request.headers.get("accept", "")
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and wants_page(request):
        return not_found_page(request)
    code = {404: "not_found", 405: "invalid_input", 401: "unauthorized", 403: "forbidden"}.get(
        exc.status_code, "invalid_input"
    )
    error = ShebaError(code, http_status=exc.status_code)
    return JSONResponse(error.to_dict(), status_code=exc.status_code, headers=exc.headers)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Last line: log it, and still answer in the contract's shape."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(ShebaError("unavailable").to_dict(), status_code=503)
