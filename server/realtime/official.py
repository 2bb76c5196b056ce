"""The official channel: an official's screen of meeting requests, and what its events show.

The snapshot is what the screen paints first: the requests still waiting for an answer
(oldest first), today's and the coming days' appointments (by time), and today's counts with
the average reply time from the same report the office's accountability page uses. Events
on staff channels carry the meeting as the staff API shows it: the phone masked, never the
E.164 number (that is revealed one at a time, audited, over HTTP).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from server.queue import meetings
from server.queue.domain import iso_from_ms
from server.queue.meetings_store import meeting_store
from server.queue.office import Office
from server.queue.store import Actor, QueueStore

DONE = frozenset({meetings.ATTENDED, meetings.MISSED})


def staff_meeting_event(data: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """A meeting.* event's data for staff: the meeting in its public (masked) shape."""
    out = dict(data)
    raw = data.get("meeting")
    if isinstance(raw, Mapping) and "id" in raw:
        out["meeting"] = meetings.public_meeting({k: str(v) for k, v in raw.items()}, None, tz)
    return out


def concerns(data: Mapping[str, Any], official: str | None) -> bool:
    """Whether a meeting.* event is this official's business: it holds the request now, or
    just forwarded it away (its screen must drop the row)."""
    if not official:
        return False
    raw = data.get("meeting")
    holder = raw.get("official") if isinstance(raw, Mapping) else None
    return official in (holder, data.get("from_official"))


def _official_info(office: Office, slug: str) -> dict[str, Any]:
    found = office.officials.get(slug)
    info = meetings.official_view(office, slug)
    if found is not None:
        info.update(
            reply_target_minutes=found.reply_target_minutes,
            slot_minutes=found.slot_minutes,
            opens=found.opens,
            closes=found.closes,
        )
    return info


def _waited(raw: Mapping[str, str], now_ms: int) -> int:
    return max(0, (now_ms - int(raw["requested_ms"] or now_ms)) // 60000)


async def official_snapshot(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    """The official's (or, for an admin with no official chosen, every official's) meetings."""
    office = await store.office(slug)
    tz = store.tz
    now = store.clock.now()
    now_ms = int(now.timestamp() * 1000)
    today = now.date().isoformat()
    who = actor.official if actor is not None else None
    rows = [r for r in await meeting_store(store).all(slug) if who is None or r["official"] == who]
    pending = sorted(
        (r for r in rows if r["status"] == meetings.PENDING), key=lambda r: int(r["order"])
    )
    # Appointments from today on, and today's that already ended (attended or missed).
    scheduled = sorted(
        (
            r
            for r in rows
            if (r["status"] == meetings.SCHEDULED and (r.get("slot_day") or "") >= today)
            or (r["status"] in DONE and r.get("slot_day") == today)
        ),
        key=lambda r: int(r["at_ms"] or 0),
    )
    shown_pending = []
    for position, raw in enumerate(pending):
        meeting = meetings.public_meeting(raw, office, tz, position=position)
        meeting["waited_minutes"] = _waited(raw, now_ms)
        shown_pending.append(meeting)
    todays = [r for r in rows if (iso_from_ms(r["requested_ms"], tz) or "")[:10] == today]
    wanted = [who] if who else list(office.officials)
    targets = [office.officials[s].reply_target_minutes for s in wanted if s in office.officials]
    stats = _stats(todays, wanted, now_ms)
    stats["waiting"] = len(pending)
    stats["scheduled_today"] = sum(1 for r in scheduled if r.get("slot_day") == today)
    return {
        "office": {"slug": office.slug, "name_bn": office.name_bn, "name_en": office.name_en},
        "official": _official_info(office, who) if who else None,
        "now": now.isoformat(timespec="seconds"),
        "reply_target_minutes": min(targets) if targets else 30,
        "meetings": {
            "pending": shown_pending,
            "scheduled": [meetings.public_meeting(r, office, tz) for r in scheduled],
            # Inside "meetings": the admin channel merges this snapshot with the counter's,
            # which has a "stats" of its own.
            "stats": stats,
        },
    }


def _stats(todays: list[dict[str, str]], wanted: list[str], now_ms: int) -> dict[str, Any]:
    """Today's requests, answers and average reply time (the report's rules), summed."""
    per_official = meetings.report(todays, wanted, now_ms)
    minutes = [m for m in (meetings.reply_minutes(r) for r in todays) if m is not None]
    if len(wanted) == 1:
        average = per_official[wanted[0]]["avg_reply_minutes"]
    else:
        average = round(sum(minutes) / len(minutes), 1) if minutes else None
    return {
        "requested_today": sum(p["requested"] for p in per_official.values()),
        "replied_today": sum(p["replied"] for p in per_official.values()),
        "avg_reply_minutes": average,
        "unanswered_past_target": sum(p["unanswered_past_target"] for p in per_official.values()),
    }
