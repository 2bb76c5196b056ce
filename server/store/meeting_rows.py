"""Meetings in SQL: the row a meeting.* event leaves, applied idempotently by event id."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.store import models
from server.store.rows import moment, upsert


def meeting_fields(raw: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "office_id": raw["office"],
        "official": raw["official"],
        "day": date.fromisoformat(raw["day"]),
        "ref": raw["ref"],
        "phone": raw["phone"],
        "name": raw.get("name") or "",
        "purpose": raw.get("purpose") or "",
        "details": raw.get("details") or "",
        "lang": raw.get("lang") or "bn",
        "status": raw["status"],
        "requested_at": moment(raw["requested_ms"]),
        "seen_at": moment(raw.get("seen_ms")),
        "replied_at": moment(raw.get("replied_ms")),
        "at": moment(raw.get("at_ms")),
        "reason_code": raw.get("reason_code") or "",
        "reason": raw.get("reason") or "",
        "forwarded_from": raw.get("forwarded_from") or "",
        "escalated": raw.get("escalated") == "1",
        "last_event_id": event_id,
    }


async def upsert_meeting(raw: dict[str, Any], event_id: str) -> None:
    """The meeting's row as this event leaves it, unless the row has seen a later event."""
    await upsert(models.Meeting, raw["id"], meeting_fields(raw, event_id))


async def office_slugs() -> list[str]:
    """The offices this database keeps records of."""
    return list(await models.Office.all().values_list("slug", flat=True))
