"""HTTP routes for meeting requests and the officials' answers: thin around MeetingStore.

Designed for a two-click screen: the list carries everything a row shows, every action
answers with the updated meeting, and the free slots come ready to offer as buttons.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.actions import Call, Handler, run_action
from server.api.auth import authorise
from server.api.http import json_response, read_json, text_field
from server.bengali import to_latin_digits
from server.errors import ShebaError
from server.queue import meetings
from server.queue.meetings_store import MeetingStore, meeting_store
from server.queue.phone import normalise_phone
from server.queue.store import Actor, CommandResult, QueueStore

REQUESTERS = ("kiosk", "counter", "admin")
OFFICIALS = ("official", "admin")


def _store(request: Request) -> QueueStore:
    return request.state.store


def _meetings(request: Request) -> MeetingStore:
    return meeting_store(_store(request))


async def _actor(request: Request, office: str, roles: tuple[str, ...]) -> Actor:
    return authorise(await request.state.sessions.actor(request), office, roles)


def _bad(field: str, en: str, bn: str) -> ShebaError:
    return ShebaError("invalid_input", en, bn, field=field)


def moment_field(body: dict[str, Any], name: str) -> datetime:
    """An ISO-8601 date and time (`2026-11-29T10:30+06:00`; without offset: office time)."""
    value = body.get(name)
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        return datetime.fromisoformat(to_latin_digits(value.strip()))
    except ValueError:
        raise _bad(
            name,
            f"'{name}' must be a date and time like 2026-11-29T10:30+06:00.",
            f"'{name}' তারিখ ও সময় হতে হবে, যেমন 2026-11-29T10:30+06:00।",
        ) from None


def day_field(value: object, name: str = "day") -> date:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(to_latin_digits(value))
    except ValueError:
        raise _bad(
            name,
            f"'{name}' must be a date like 2026-11-29.",
            f"'{name}' একটি তারিখ হতে হবে, যেমন 2026-11-29।",
        ) from None


def code_field(body: dict[str, Any], name: str, allowed: dict[str, Any]) -> str:
    value = body.get(name)
    if value not in allowed:
        raise _bad(
            name,
            f"'{name}' must be one of: {', '.join(allowed)}.",
            f"'{name}' এর মান হতে হবে: {', '.join(allowed)}।",
        )
    return str(value)


async def meeting_response(
    request: Request, slug: str, result: CommandResult, status: int = 200
) -> Response:
    store = _store(request)
    raw = result.data["meeting"]
    office = await store.office(slug)
    position = await _meetings(request).position(raw)
    body = meetings.public_meeting(raw, office, store.tz, position=position)
    body["tracking_url"] = f"{request.state.settings.base_url()}/m/{raw['id']}"
    return json_response(body, status)


async def request_meeting(request: Request) -> Response:
    slug = request.path_params["office"]
    actor = await _actor(request, slug, REQUESTERS)
    body = await read_json(request)
    phone = normalise_phone(body.get("phone"))
    official = text_field(body, "official", max_len=40)
    name = text_field(body, "name", max_len=meetings.NAME_MAX_CHARS)
    purpose = code_field(body, "purpose", meetings.PURPOSES)
    details = text_field(body, "details", required=False, max_len=meetings.DETAILS_MAX_CHARS)
    lang = body.get("lang", "bn")
    if lang not in ("bn", "en"):
        raise ShebaError("invalid_input", field="lang")
    day = day_field(body["day"]) if body.get("day") is not None else None
    result = await _meetings(request).request(
        slug,
        official,
        phone,
        name=name,
        purpose=purpose,
        details=details,
        lang=lang,
        day=day,
        actor=actor,
    )
    return await meeting_response(request, slug, result, 201)


async def _seen(call: Call[MeetingStore]) -> CommandResult:
    return await call.store.seen(call.office, call.target, call.actor)


async def _schedule(call: Call[MeetingStore]) -> CommandResult:
    at = moment_field(call.body, "at")
    return await call.store.schedule(
        call.office, call.target, at, call.actor, reschedule=call.action == "reschedule"
    )


async def _forward(call: Call[MeetingStore]) -> CommandResult:
    to = text_field(call.body, "to", max_len=40)
    deadline = moment_field(call.body, "deadline")
    return await call.store.forward(call.office, call.target, to, deadline, call.actor)


async def _close(call: Call[MeetingStore]) -> CommandResult:
    reason_code = ""
    if call.action == "decline":
        reason_code = code_field(call.body, "reason_code", meetings.DECLINE_REASONS)
    reason = text_field(call.body, "reason", required=False, max_len=meetings.DETAILS_MAX_CHARS)
    return await call.store.close(
        call.office, call.target, call.action, call.actor, reason_code=reason_code, reason=reason
    )


# One handler for each of meetings.ACTIONS.
MEETING_ACTIONS: dict[str, Handler[MeetingStore]] = {
    "seen": _seen,
    "schedule": _schedule,
    "reschedule": _schedule,
    "forward": _forward,
    **dict.fromkeys(meetings.CLOSING, _close),
}


async def meeting_action(request: Request) -> Response:
    result = await run_action(request, MEETING_ACTIONS, OFFICIALS, "meeting_id", _meetings)
    return await meeting_response(request, request.path_params["office"], result)


async def meeting_options(request: Request) -> Response:
    """What a kiosk or an official's screen offers as buttons: officials, purposes, reasons."""
    office = await _store(request).office(request.path_params["office"])
    return json_response(
        {
            "officials": [
                {
                    **meetings.official_view(office, o.slug),
                    "opens": o.opens,
                    "closes": o.closes,
                    "slot_minutes": o.slot_minutes,
                    "reply_target_minutes": o.reply_target_minutes,
                }
                for o in office.officials.values()
            ],
            "purposes": [
                {"code": code, "name_bn": bn, "name_en": en}
                for code, (bn, en) in meetings.PURPOSES.items()
            ],
            "decline_reasons": [
                {"code": code, "name_bn": bn, "name_en": en}
                for code, (bn, en) in meetings.DECLINE_REASONS.items()
            ],
            "details_max_chars": meetings.DETAILS_MAX_CHARS,
        }
    )


def routes() -> list[Route]:
    from server.api import meeting_reads

    return [
        Route("/api/v1/offices/{office}/meeting-options", meeting_options, methods=["GET"]),
        Route("/api/v1/offices/{office}/meetings", request_meeting, methods=["POST"]),
        *meeting_reads.routes,
        Route(
            "/api/v1/offices/{office}/meetings/{meeting_id}/{action}",
            meeting_action,
            methods=["POST"],
        ),
    ]
