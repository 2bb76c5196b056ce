"""Notification outcomes as events on the office's stream, the same envelope the scripts use."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from server.queue import keys
from server.queue.phone import mask_phone
from server.store.models import Outbox


async def emit(
    redis: Redis, office: str, etype: str, data: dict[str, Any], *, tz: str, retention_secs: int
) -> str:
    """XADD one `type`/`at`/`data` entry, trimmed by age like every other entry."""
    now = datetime.now(ZoneInfo(tz))
    min_id = max(0, int(time.time() * 1000) - retention_secs * 1000)
    return str(
        await redis.xadd(
            keys.events(office),
            {
                "type": etype,
                "at": now.isoformat(timespec="seconds"),
                "data": json.dumps(data, ensure_ascii=False),
            },
            minid=min_id,
            approximate=True,
        )
    )


def summary(row: Outbox) -> dict[str, Any]:
    """What admins see of a message on the stream: never the full phone or the text."""
    return {
        "notification": {
            "id": row.id,
            "channel": row.channel,
            "template": row.template,
            "phone_masked": mask_phone(row.phone) if row.phone else "",
            "attempts": row.attempts,
            "token_id": row.token_id,
        }
    }
