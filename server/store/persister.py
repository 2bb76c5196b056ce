"""The persister: every event into SQL, idempotently by event id, in one transaction each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from server.realtime.envelope import Event
from server.store import models
from server.store.meeting_rows import upsert_meeting
from server.store.rows import moment, upsert

GROUP = "persister"


def token_fields(raw: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "office_id": raw["office"],
        "day": date.fromisoformat(raw["day"]),
        "service": raw["service"],
        "number": int(raw["number"]),
        "prefix": raw["prefix"],
        "prefix_bn": raw["prefix_bn"],
        "status": raw["status"],
        "phone": raw["phone"],
        "priority": raw.get("priority") == "1",
        "counter": int(raw["counter"]) if raw.get("counter") else None,
        "pinned": raw.get("pinned") == "1",
        "score": int(raw["score"]),
        "recalls": int(raw.get("recalls") or 0),
        "transfers": int(raw.get("transfers") or 0),
        "lang": raw.get("lang") or "bn",
        "outcome": raw.get("outcome") or "",
        "issued_at": moment(raw["issued_ms"]),
        "called_at": moment(raw.get("called_ms")),
        "served_at": moment(raw.get("served_ms")),
        "completed_at": moment(raw.get("completed_ms")),
        "last_event_id": event_id,
    }


async def persist(event: Event) -> None:
    """Apply one event; a second delivery of the same event changes nothing."""
    await persist_many([event])


async def persist_many(events: list[Event]) -> None:
    """Apply a batch in one transaction: SQLite and PostgreSQL both prefer few commits."""
    ours = await _known_offices({e.office for e in events})
    async with in_transaction():
        for event in events:
            if event.office in ours:
                await _apply(event)


async def _known_offices(slugs: set[str]) -> set[str]:
    """Offices this database keeps. Another deployment's office on a shared Redis has no
    rows here to refer to: retrying its events would only hold up this persister."""
    rows = await models.Office.filter(slug__in=sorted(slugs)).values_list("slug", flat=True)
    return set(rows)


async def _apply(event: Event) -> None:
    token = event.data.get("token")
    if await models.EventLog.exists(office_id=event.office, event_id=event.id):
        return
    await models.EventLog.create(
        office_id=event.office,
        event_id=event.id,
        type=event.type,
        at=datetime.fromisoformat(event.at),
        token_id=token["id"] if isinstance(token, dict) else None,
        data=_without_phone(event.data),
    )
    if isinstance(token, dict) and "phone" in token:
        await upsert(models.Token, token["id"], token_fields(token, event.id))
    meeting = event.data.get("meeting")
    if isinstance(meeting, dict) and "phone" in meeting:
        await upsert_meeting(meeting, event.id)
    if event.type.startswith("counter."):
        await models.Counter.filter(office_id=event.office, number=event.data["counter"]).update(
            state=event.data["state"]
        )
    if event.type == "day.rolled" and event.data.get("expired"):
        await models.Token.filter(id__in=list(event.data["expired"])).update(
            status="expired", completed_at=datetime.fromisoformat(event.at)
        )
    actor = event.data.get("actor")
    if actor and actor.get("kind") in ("user", "apikey"):
        await models.AuditLog.create(
            office_id=event.office,
            event_id=event.id,
            at=datetime.fromisoformat(event.at),
            actor_kind=actor["kind"],
            actor_id=str(actor.get("id", "")),
            actor_name=actor.get("name", ""),
            role=actor.get("role", ""),
            device=actor.get("device", ""),
            action=event.type,
            target=_target(event.data),
            detail={
                k: v
                for k, v in event.data.items()
                if k in ("reason", "out_of_order", "counter", "to_service", "to_counter")
            },
        )


def _target(data: dict[str, Any]) -> str:
    for kind in ("token", "meeting"):
        if isinstance(data.get(kind), dict):
            return str(data[kind]["id"])
    return str(data.get("counter", ""))


def _without_phone(data: dict[str, Any]) -> dict[str, Any]:
    """The event log keeps history, not phone numbers: those live on the token or meeting
    row only."""
    for kind in ("token", "meeting"):
        record = data.get(kind)
        if isinstance(record, dict):
            data = {**data, kind: {k: v for k, v in record.items() if k != "phone"}}
    return data
