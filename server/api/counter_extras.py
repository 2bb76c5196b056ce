"""What the counter console reads beyond the token commands: its counter at a glance (with the
citizens it has parked), today's counts, and the citizen's full phone number, revealed on
purpose and audited."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.auth import authorise
from server.api.http import int_field, json_response
from server.errors import ShebaError
from server.queue import domain, keys
from server.queue.store import Actor, QueueStore
from server.store import models

COUNTER_STAFF = ("counter", "admin")
# The console lists the head of the waiting line; the total says how long it really is.
MAX_LISTED = 50
# Statuses of a token the counter is dealing with now: only then is the phone shown in full.
AT_COUNTER = frozenset({domain.CALLED, domain.SERVING})
COUNTED_EVENTS = ("token.called", "token.recalled", "token.completed", "token.no_show")


async def _staff(request: Request) -> tuple[QueueStore, str, Actor]:
    office = request.path_params["office"]
    actor = authorise(await request.state.sessions.actor(request), office, COUNTER_STAFF)
    return request.state.store, office, actor


async def waiting_for_counter(
    store: QueueStore, slug: str, number: int
) -> tuple[list[dict[str, Any]], int]:
    """The tokens this counter would call, in the order call-next takes them: its own queue
    first, then its services' queues merged by place; and how many wait in all."""
    office = await store.office(slug)
    services = office.counter(number).services
    pipe = store.redis.pipeline(transaction=False)
    pipe.zrange(keys.counter_queue(slug, number), 0, -1, withscores=True)
    for code in services:
        pipe.zrange(keys.service_queue(slug, code), 0, -1, withscores=True)
    own, *shared = await pipe.execute()
    seen = {token_id for token_id, _ in own}
    merged = sorted(
        (score, token_id) for rows in shared for token_id, score in rows if token_id not in seen
    )
    ids = [token_id for token_id, _ in own] + list(dict.fromkeys(t for _, t in merged))
    pipe = store.redis.pipeline(transaction=False)
    for token_id in ids[:MAX_LISTED]:
        pipe.hgetall(keys.token(slug, token_id))
    listed = []
    for place, raw in enumerate(await pipe.execute(), start=1):
        if raw and raw.get("status") == domain.WAITING:
            listed.append(domain.public_token(raw, store.tz, position=place))
    return listed, len(ids)


async def parked_at_counter(store: QueueStore, slug: str, number: int) -> list[dict[str, Any]]:
    """Citizens this counter parked (gone to fetch a paper), in their order of issue."""
    ids = list(await store.redis.smembers(keys.parked(slug)))
    rows = [
        raw
        for raw in await store.raw_tokens(slug, ids)
        if raw and raw.get("status") == domain.PARKED and raw.get("counter") == str(number)
    ]
    rows.sort(key=lambda raw: (float(raw.get("order") or raw.get("score") or 0), raw["id"]))
    return [domain.public_token(raw, store.tz) for raw in rows[:MAX_LISTED]]


async def today_counts(store: QueueStore, slug: str, number: int) -> dict[str, int]:
    """Today's work of one counter, from the event history (a few milliseconds behind)."""
    # In UTC: SQLite compares stored datetimes as text, so the offsets must agree.
    start = datetime.combine(store.clock.now().date(), time.min, store.tz).astimezone(UTC)
    rows = await models.EventLog.filter(
        office_id=slug, at__gte=start, type__in=COUNTED_EVENTS
    ).values_list("type", "data")
    counts = {"called": 0, "recalled": 0, "completed": 0, "no_show": 0}
    for event_type, data in rows:
        if isinstance(data, dict) and data.get("counter") == number:
            counts[event_type.removeprefix("token.")] += 1
    return counts


async def console(request: Request) -> Response:
    store, slug, _ = await _staff(request)
    number = int_field(request.path_params, "counter")
    office = await store.office(slug)
    counter = office.counter(number)
    row = await store.redis.hgetall(keys.counter(slug, number))
    current = None
    if row.get("token"):
        raw = await store.raw_token(slug, row["token"])
        if raw and raw.get("status") in AT_COUNTER:
            current = domain.public_token(raw, store.tz)
    waiting, total = await waiting_for_counter(store, slug, number)
    return json_response(
        {
            "counter": {
                "number": number,
                "name_bn": counter.name_bn,
                "name_en": counter.name_en,
                "services": list(counter.services),
                "state": row.get("state", "closed"),
                "recall_limit": office.recall_limit,
            },
            "token": current,
            "waiting": waiting,
            "waiting_total": total,
            "parked": await parked_at_counter(store, slug, number),
            "today": await today_counts(store, slug, number),
            "epoch": await store.epoch(slug),
        }
    )


async def reveal_phone(request: Request) -> Response:
    """The full number, for the staff serving that citizen now; every look is audited."""
    store, slug, actor = await _staff(request)
    raw = await store.raw_token(slug, request.path_params["token_id"])
    if raw is None:
        raise ShebaError("not_found", field="token")
    if raw.get("status") not in AT_COUNTER:
        raise ShebaError(
            "invalid_state",
            "The phone is shown only while the citizen is at the counter.",
            "নাগরিক কাউন্টারে থাকলেই কেবল ফোন নম্বর দেখা যায়।",
            status=raw.get("status"),
        )
    await models.AuditLog.create(
        office_id=slug,
        event_id=None,
        at=store.clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        role=actor.role,
        device=actor.device,
        action="phone.revealed",
        target=raw["id"],
        detail={"counter": int(raw["counter"]) if raw.get("counter") else None},
    )
    response = json_response({"id": raw["id"], "phone": raw.get("phone", "")})
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [
    Route("/api/v1/offices/{office}/counters/{counter}/console", console, methods=["GET"]),
    # Listed before the token actions' POST /tokens/{token_id}/{action}, which it would match.
    Route("/api/v1/offices/{office}/tokens/{token_id}/phone", reveal_phone, methods=["POST"]),
]
