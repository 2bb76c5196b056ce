"""`/api/v1/openapi.json`: the HTTP contract, described from one table."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_bn"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "message_bn": {"type": "string"},
                "field": {"type": "string"},
            },
        }
    },
}
TOKEN = {
    "type": "object",
    "properties": {
        name: {"type": kind}
        for name, kind in [
            ("id", "string"),
            ("office", "string"),
            ("service", "string"),
            ("number", "integer"),
            ("display", "string"),
            ("display_bn", "string"),
            ("status", "string"),
            ("phone_masked", "string"),
            ("counter", "integer"),
            ("position", "integer"),
            ("eta_minutes", "integer"),
            ("issued_at", "string"),
            ("called_at", "string"),
            ("served_at", "string"),
            ("completed_at", "string"),
        ]
    },
}

# (method, path, summary, who may call it, request body properties or None)
OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    ("get", "/healthz", "Redis and database health", "anyone", None),
    ("get", "/api/v1/offices/{office}", "Office, services, counters, officials", "anyone", None),
    (
        "post",
        "/api/v1/offices/{office}/tokens",
        "Issue a token (Idempotency-Key header)",
        "kiosk, counter, admin",
        {
            "service": {"type": "string"},
            "phone": {"type": "string"},
            "priority": {"type": "boolean"},
            "lang": {"type": "string", "enum": ["bn", "en"]},
        },
    ),
    ("get", "/api/v1/tokens/{token_id}", "A token's status, position and wait", "anyone", None),
    (
        "post",
        "/api/v1/offices/{office}/counters/{counter}/call-next",
        "Call the next token (204 when nobody waits)",
        "counter, admin",
        None,
    ),
    (
        "post",
        "/api/v1/offices/{office}/counters/{counter}/{state}",
        "Open, pause or close a counter",
        "counter, admin",
        None,
    ),
    (
        "post",
        "/api/v1/offices/{office}/tokens/{token_id}/{action}",
        "recall, serve, complete, no-show, cancel, park, unpark, prioritise, transfer, call",
        "counter, admin",
        {
            "outcome": {"type": "string"},
            "service": {"type": "string"},
            "counter": {"type": "integer"},
            "reason": {"type": "string"},
        },
    ),
    (
        "post",
        "/api/v1/auth/login",
        "Staff log in (session cookie)",
        "staff",
        {"username": {"type": "string"}, "password": {"type": "string"}},
    ),
    ("post", "/api/v1/auth/logout", "Log out", "staff", None),
    ("get", "/api/v1/auth/me", "Who is logged in", "staff", None),
]


def spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, summary, who, body in OPERATIONS:
        operation: dict[str, Any] = {
            "summary": summary,
            "description": f"Who: {who}.",
            "parameters": [
                {
                    "name": p.strip("{}"),
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
                for p in path.split("/")
                if p.startswith("{")
            ],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": TOKEN}}},
                "4XX": {
                    "description": "Refused",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
        if body is not None:
            operation["requestBody"] = {
                "content": {"application/json": {"schema": {"type": "object", "properties": body}}}
            }
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sheba (সেবা)", "version": "1"},
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sheba_session"},
            }
        },
        "paths": paths,
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(spec())


routes = [Route("/api/v1/openapi.json", openapi)]
