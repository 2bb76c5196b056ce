"""HTTP reads of meetings: an official's list, free slots, the reply report, the citizen's
tracking page, and the one audited way to see a citizen's full phone number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.http import int_field, json_response
from server.api.meetings import OFFICIALS, _actor, _meetings, _store, day_field
from server.bengali import bn_date, to_bn_digits
from server.errors import ShebaError
from server.queue import meetings, slots
from server.queue.domain import iso_from_ms
from server.queue.store import Actor
from server.store import models

SLOT_VIEWERS = ("official", "admin", "counter")
MAX_SLOT_DAYS = 7


def _scope(actor: Actor, wanted: str | None) -> str | None:
    """Which official's meetings this actor may read: an official only their own."""
    if actor.role == "admin":
        return wanted or None
    if wanted and wanted != actor.official:
        raise ShebaError(
            "forbidden",
            "You may see only your own meeting requests.",
            "আপনি কেবল নিজের সাক্ষাতের অনুরোধ দেখতে পারেন।",
        )
    return actor.official


def _day_of(ms: str, request: Request) -> str:
    return (iso_from_ms(ms, _store(request).tz) or "")[:10]


def _sort_key(raw: dict[str, str]) -> tuple[int, int]:
    # Pending first in arrival order, then the day's appointments by time, then the rest.
    if raw["status"] == meetings.PENDING:
        return 0, int(raw["order"])
    if raw["status"] == meetings.SCHEDULED:
        return 1, int(raw["at_ms"])
    return 2, -int(raw["requested_ms"])


async def list_meetings(request: Request) -> Response:
    slug = request.path_params["office"]
    actor = await _actor(request, slug, OFFICIALS)
    query = request.query_params
    official = _scope(actor, query.get("official"))
    statuses = set(filter(None, query.get("status", "").split(",")))
    if statuses - set(meetings.STATUSES):
        raise ShebaError("invalid_input", field="status")
    day = day_field(query["date"], "date").isoformat() if query.get("date") else None
    store = _store(request)
    office = await store.office(slug)
    rows = [
        r
        for r in await _meetings(request).all(slug)
        if (official is None or r["official"] == official)
        and (not statuses or r["status"] in statuses)
        and (
            day is None or day in (r["day"], r.get("slot_day"), _day_of(r["requested_ms"], request))
        )
    ]
    rows.sort(key=_sort_key)
    ahead: dict[str, int] = {}
    result = []
    for raw in rows:
        position = None
        if raw["status"] == meetings.PENDING:
            # Positions among what this reader sees; with the official filter that is exact.
            position = ahead.get(raw["official"], 0)
            ahead[raw["official"]] = position + 1
        result.append(meetings.public_meeting(raw, office, store.tz, position=position))
    counts: dict[str, int] = {}
    for raw in rows:
        counts[raw["status"]] = counts.get(raw["status"], 0) + 1
    return json_response({"meetings": result, "counts": counts})


async def get_meeting(request: Request) -> Response:
    slug = request.path_params["office"]
    actor = await _actor(request, slug, OFFICIALS)
    store = _meetings(request)
    raw = await store.owned(slug, request.path_params["meeting_id"], actor)
    office = await _store(request).office(slug)
    body = meetings.public_meeting(
        raw, office, _store(request).tz, position=await store.position(raw)
    )
    return json_response(body)


async def reveal_phone(request: Request) -> Response:
    """The full number, for calling the citizen back; every look is written to the audit log."""
    slug = request.path_params["office"]
    actor = await _actor(request, slug, OFFICIALS)
    raw = await _meetings(request).owned(slug, request.path_params["meeting_id"], actor)
    await models.AuditLog.create(
        office_id=slug,
        event_id=None,
        at=_store(request).clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        role=actor.role,
        device=actor.device,
        action="meeting.phone_revealed",
        target=raw["id"],
        detail={"ref": raw["ref"], "official": raw["official"]},
    )
    return json_response({"id": raw["id"], "ref": raw["ref"], "phone": raw["phone"]})


async def official_slots(request: Request) -> Response:
    slug = request.path_params["office"]
    await _actor(request, slug, SLOT_VIEWERS)
    store = _store(request)
    office = await store.office(slug)
    official = office.officials.get(request.path_params["official"])
    if official is None:
        raise ShebaError("not_found", "No such official.", "এমন কোনো কর্মকর্তা নেই।", field="official")
    days = int_field(dict(request.query_params), "days") if "days" in request.query_params else 3
    if not 1 <= days <= MAX_SLOT_DAYS:
        raise ShebaError("invalid_input", field="days")
    now = store.clock.now()
    plan = slots.free_slots(office, official, now, [], days=days)
    taken = await _meetings(request).taken(slug, official.slug, list(plan))
    plan = slots.free_slots(office, official, now, taken, days=days)
    return json_response(
        {
            "official": meetings.official_view(office, official.slug),
            "slot_minutes": official.slot_minutes,
            "days": [
                {
                    "date": day.isoformat(),
                    "date_bn": bn_date(day),
                    "slots": [_slot(s) for s in starts],
                }
                for day, starts in plan.items()
            ],
        }
    )


def _slot(start: datetime) -> dict[str, Any]:
    hhmm = start.strftime("%H:%M")
    return {"at": start.isoformat(timespec="minutes"), "time": hhmm, "time_bn": to_bn_digits(hhmm)}


async def meeting_report(request: Request) -> Response:
    slug = request.path_params["office"]
    actor = await _actor(request, slug, OFFICIALS)
    official = _scope(actor, request.query_params.get("official"))
    store = _store(request)
    office = await store.office(slug)
    now = store.clock.now()
    day = (
        day_field(request.query_params["date"], "date")
        if "date" in request.query_params
        else now.date()
    )
    rows = [
        r
        for r in await _meetings(request).all(slug)
        if _day_of(r["requested_ms"], request) == day.isoformat()
    ]
    wanted = [official] if official else list(office.officials)
    per_official = meetings.report(rows, wanted, int(now.timestamp() * 1000))
    return json_response(
        {
            "date": day.isoformat(),
            "officials": [{**meetings.official_view(office, s), **per_official[s]} for s in wanted],
        }
    )


async def track_meeting(request: Request) -> Response:
    """The citizen's tracking page: anyone holding the unguessable id."""
    store = _meetings(request)
    raw = await store.find(request.path_params["meeting_id"])
    if raw is None:
        raise ShebaError("not_found", "No such meeting.", "এমন কোনো সাক্ষাৎ নেই।", field="meeting")
    office = await _store(request).office(raw["office"])
    body = meetings.tracking_view(raw, office, _store(request).tz)
    body["position"] = await store.position(raw)
    return json_response(body)


routes = [
    Route("/api/v1/meetings/{meeting_id}", track_meeting, methods=["GET"]),
    Route("/api/v1/offices/{office}/meetings", list_meetings, methods=["GET"]),
    Route("/api/v1/offices/{office}/meetings/report", meeting_report, methods=["GET"]),
    Route("/api/v1/offices/{office}/meetings/{meeting_id}", get_meeting, methods=["GET"]),
    Route(
        "/api/v1/offices/{office}/meetings/{meeting_id}/reveal-phone",
        reveal_phone,
        methods=["POST"],
    ),
    Route("/api/v1/offices/{office}/officials/{official}/slots", official_slots, methods=["GET"]),
]
