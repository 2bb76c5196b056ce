"""HTTP routes for notifications: the SMS gateway's webhook and the admin's outbox view."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.auth import authorise
from server.api.http import json_response
from server.errors import ShebaError
from server.hardware.sms import verify_signature
from server.notify import Notifications, outbox, replies
from server.queue.phone import mask_phone, normalise_phone
from server.store.models import AuditLog, Outbox

SIGNATURE_HEADER = "x-sheba-signature"
PAGE = 200


def _notifications(request: Request) -> Notifications:
    return request.state.notifications


async def sms_inbound(request: Request) -> Response:
    """A delivery report or a citizen's reply, signed HMAC-SHA256 over the raw body."""
    settings = request.state.settings
    body = await request.body()
    if len(body) > settings.max_body_bytes:
        raise ShebaError("too_large")
    notices = _notifications(request)
    if not verify_signature(
        body, request.headers.get(SIGNATURE_HEADER, ""), notices.webhook_secret or ""
    ):
        raise ShebaError(
            "unauthorized",
            "The webhook signature is missing or wrong.",
            "ওয়েবহুকের স্বাক্ষর নেই বা ভুল।",
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ShebaError("invalid_json") from None
    if not isinstance(payload, dict):
        raise ShebaError("invalid_input")
    if payload.get("type") == "delivery":
        return json_response({"matched": await replies.delivery_report(payload)})
    if payload.get("type") != "reply":
        raise ShebaError("invalid_input", field="type")
    action, result, answer = await replies.handle_reply(
        request.state.store, notices.composer, payload
    )
    notices.sender.wake()
    return json_response(
        {"action": action, "outcome": result, "answer": answer.id if answer else None}
    )


def _row(row: Outbox, reveal: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "channel": row.channel,
        "template": row.template,
        "phone": row.phone if reveal else (mask_phone(row.phone) if row.phone else ""),
        "email": row.email if reveal else ("•••" if row.email else ""),
        "lang": row.lang,
        "text": row.text,
        "parts": row.parts,
        "state": row.state,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "gateway": row.gateway,
        "gateway_message_id": row.gateway_message_id,
        "possibly_duplicate": row.possibly_duplicate,
        "delivery": row.delivery or None,
        "token_id": row.token_id,
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }


async def list_notifications(request: Request) -> Response:
    office = request.path_params["office"]
    actor = authorise(await request.state.sessions.actor(request), office, ("admin",))
    params = request.query_params
    query = Outbox.filter(office_id=office)
    if params.get("phone"):
        query = query.filter(phone=normalise_phone(params["phone"]))
    if params.get("state"):
        if params["state"] not in outbox.STATES:
            raise ShebaError("invalid_input", field="state")
        query = query.filter(state=params["state"])
    if params.get("date"):
        try:
            day = date.fromisoformat(params["date"])
        except ValueError:
            raise ShebaError("invalid_input", field="date") from None
        start = datetime.combine(day, time(), ZoneInfo(request.state.settings.timezone))
        query = query.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    reveal = params.get("reveal") == "1"
    rows = await query.order_by("-id").limit(PAGE)
    if reveal:
        # Full numbers are personal data: who looked, and at what, is kept.
        await AuditLog.create(
            office_id=office,
            at=outbox.utcnow(),
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            role=actor.role,
            device=actor.device,
            action="notifications.reveal",
            target=params.get("phone", "")[:64],
            detail={k: v for k, v in params.items() if k != "reveal"} | {"rows": len(rows)},
        )
    return json_response({"notifications": [_row(r, reveal) for r in rows]})


async def resend(request: Request) -> Response:
    office = request.path_params["office"]
    authorise(await request.state.sessions.actor(request), office, ("admin",))
    try:
        row_id = int(request.path_params["notification_id"])
    except ValueError:
        raise ShebaError("not_found") from None
    row, queued = await outbox.resend(row_id, office)
    if row is None:
        raise ShebaError("not_found")
    if not queued:
        raise ShebaError(
            "invalid_state",
            "Only a failed or dead message can be sent again.",
            "শুধু ব্যর্থ বার্তা আবার পাঠানো যায়।",
            state=row.state,
        )
    _notifications(request).sender.wake()
    return json_response(_row(row, False))


routes = [
    Route("/api/v1/sms/inbound", sms_inbound, methods=["POST"]),
    Route("/api/v1/offices/{office}/notifications", list_notifications, methods=["GET"]),
    Route(
        "/api/v1/offices/{office}/notifications/{notification_id}/resend",
        resend,
        methods=["POST"],
    ),
]
