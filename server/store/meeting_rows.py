"""Meetings in SQL: the row a meeting.* event leaves, applied idempotently by event id."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from server.realtime.envelope import stream_id_key
from server.store import models


def _moment(ms: str | None) -> datetime | None:
    if not ms:
        return None
    return datetime.fromtimestamp(int(ms) / 1000, UTC)


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
        "requested_at": _moment(raw["requested_ms"]),
        "seen_at": _moment(raw.get("seen_ms")),
        "replied_at": _moment(raw.get("replied_ms")),
        "at": _moment(raw.get("at_ms")),
        "reason_code": raw.get("reason_code") or "",
        "reason": raw.get("reason") or "",
        "forwarded_from": raw.get("forwarded_from") or "",
        "escalated": raw.get("escalated") == "1",
        "last_event_id": event_id,
    }


async def upsert_meeting(raw: dict[str, Any], event_id: str) -> None:
    """Create or update the row; an event older than the row's last one changes nothing."""
    fields = meeting_fields(raw, event_id)
    row = await models.Meeting.get_or_none(id=raw["id"]).select_for_update()
    if row is None:
        await models.Meeting.create(id=raw["id"], **fields)
    elif stream_id_key(event_id) > stream_id_key(row.last_event_id):
        await models.Meeting.filter(id=raw["id"]).update(**fields)


async def office_slugs() -> list[str]:
    """The offices this database keeps records of."""
    return list(await models.Office.all().values_list("slug", flat=True))
