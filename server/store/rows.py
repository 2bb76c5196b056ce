"""What the persister's row writers share: stream times as datetimes, and an upsert that an
older event cannot undo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from server.realtime.envelope import stream_id_key
from server.store.models import Meeting, Token


def moment(ms: str | None) -> datetime | None:
    """A time the queue keeps as epoch milliseconds (`issued_ms`), as an aware datetime."""
    if not ms:
        return None
    return datetime.fromtimestamp(int(ms) / 1000, UTC)


async def upsert(model: type[Token | Meeting], row_id: str, fields: dict[str, Any]) -> None:
    """Create or update the row; an event older than the row's last one changes nothing.
    `fields` carry the event's id as `last_event_id`."""
    row = await model.get_or_none(id=row_id).select_for_update()
    if row is None:
        await model.create(id=row_id, **fields)
    elif stream_id_key(fields["last_event_id"]) > stream_id_key(row.last_event_id):
        await model.filter(id=row_id).update(**fields)
