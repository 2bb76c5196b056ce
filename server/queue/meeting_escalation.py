"""Escalation: a request nobody answered within the official's reply target is escalated
once. Every process runs the checker; the Lua script makes each escalation happen once."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from server.queue import keys
from server.queue.meetings_store import MeetingStore, meeting_store
from server.queue.store import QueueStore

log = logging.getLogger(__name__)

# How often each process looks for overdue requests: a minute late on a 30-minute target is
# acceptable, and the look is one ZRANGEBYSCORE per office.
ESCALATION_CHECK_SECS = 60.0


async def escalate_due(meetings: MeetingStore, slug: str) -> int:
    """Escalate every request of the office whose reply target has passed; the count."""
    office = await meetings.store.office(slug)
    now = meetings.store.clock.now()
    due = await meetings.redis.zrangebyscore(
        keys.meeting_escalations(slug), "-inf", int(now.timestamp() * 1000)
    )
    fired = 0
    for meeting_id in due:
        holder = await meetings.redis.hget(keys.meeting(slug, meeting_id), "official")
        official = office.officials.get(holder or "")
        above = office.officials.get(official.escalate_to) if official else None
        contact = {
            "to": above.slug if above else "",
            "to_name_bn": above.name_bn if above else "",
            "to_name_en": above.name_en if above else "",
            "phone": official.escalation_phone if official else "",
            "email": official.escalation_email if official else "",
        }
        result = await meetings.run_script(
            slug, "meeting_escalate", [meeting_id, json.dumps(contact)], None
        )
        fired += result.event_type is not None
    return fired


async def run_escalations(
    store: QueueStore,
    served: Callable[[], Awaitable[list[str]]],
    every_secs: float = ESCALATION_CHECK_SECS,
) -> None:
    """The periodic checker: escalate overdue requests of every office, forever.

    `served` names the offices this deployment keeps records of. A Redis may hold offices
    that no database here knows (another deployment's, or a test run's leftovers): events
    emitted for them could never be persisted, so they are left alone.
    """
    meetings = meeting_store(store)
    while True:
        live = set(await store.office_slugs())
        for slug in await served():
            if slug not in live:
                continue
            try:
                await escalate_due(meetings, slug)
            except Exception:
                # One office's bad configuration must not stop the others' escalations.
                log.exception("escalation check failed for %s", slug)
        await asyncio.sleep(every_secs)
