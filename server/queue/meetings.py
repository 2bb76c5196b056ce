"""Meetings with officials: statuses, actions, purposes and the shapes the API shows. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from server.queue.domain import iso_from_ms
from server.queue.office import Office
from server.queue.phone import mask_phone

PENDING = "pending"
SCHEDULED = "scheduled"
DECLINED = "declined"
CANCELLED = "cancelled"
ATTENDED = "attended"
MISSED = "missed"
STATUSES = (PENDING, SCHEDULED, DECLINED, CANCELLED, ATTENDED, MISSED)
OPEN_STATUSES = frozenset({PENDING, SCHEDULED})

# Why a citizen wants the meeting: a short closed list the kiosk shows as buttons.
PURPOSES: dict[str, tuple[str, str]] = {
    "land": ("জমিজমা সংক্রান্ত", "Land"),
    "certificate": ("সনদ / প্রত্যয়ন", "Certificate"),
    "complaint": ("অভিযোগ", "Complaint"),
    "personal": ("ব্যক্তিগত", "Personal"),
    "other": ("অন্যান্য", "Other"),
}
# Why an official declines: short codes the SMS can explain, plus free text.
DECLINE_REASONS: dict[str, tuple[str, str]] = {
    "wrong_office": ("বিষয়টি অন্য দপ্তরের", "Another office handles this"),
    "use_counter": ("সেবা কাউন্টারে সমাধানযোগ্য", "A service counter can solve this"),
    "hearing": ("গণশুনানিতে আসুন", "Please come to the public hearing"),
    "unavailable": ("কর্মকর্তা অনুপস্থিত", "The official is away"),
    "other": ("অন্যান্য", "Other"),
}

# action -> (statuses it may start from, status it leaves, event type, only after the time)
CLOSING: dict[str, tuple[frozenset[str], str, str, bool]] = {
    "decline": (frozenset({PENDING, SCHEDULED}), DECLINED, "meeting.declined", False),
    "cancel": (frozenset({PENDING, SCHEDULED}), CANCELLED, "meeting.cancelled", False),
    "attended": (frozenset({SCHEDULED}), ATTENDED, "meeting.attended", True),
    "missed": (frozenset({SCHEDULED}), MISSED, "meeting.missed", True),
}
ACTIONS = frozenset(CLOSING) | {"seen", "schedule", "reschedule", "forward"}

DETAILS_MAX_CHARS = 300
NAME_MAX_CHARS = 100


def official_view(office: Office | None, slug: str) -> dict[str, Any]:
    o = office.officials.get(slug) if office is not None else None
    if o is None:
        return {"slug": slug}
    return {
        "slug": o.slug,
        "name_bn": o.name_bn,
        "name_en": o.name_en,
        "title_bn": o.title_bn,
        "title_en": o.title_en,
        "room_bn": o.room_bn,
    }


def reply_minutes(raw: Mapping[str, str]) -> float | None:
    """Minutes from the request to the first answer (wall clock), or None if unanswered."""
    if not raw.get("replied_ms"):
        return None
    return round((int(raw["replied_ms"]) - int(raw["requested_ms"])) / 60000, 1)


def public_meeting(
    raw: Mapping[str, str],
    office: Office | None,
    tz: ZoneInfo,
    *,
    position: int | None = None,
    reveal_phone: bool = False,
) -> dict[str, Any]:
    """A meeting as officials and the staff API see it: the phone masked unless revealed.

    Without the office (a realtime event is rendered without one), the official is named
    from the names the meeting carries.
    """
    purpose_bn, purpose_en = PURPOSES.get(raw.get("purpose", ""), ("", ""))
    meeting: dict[str, Any] = {
        "id": raw["id"],
        "office": raw["office"],
        "ref": raw["ref"],
        "ref_bn": raw["ref_bn"],
        "status": raw["status"],
        "official": official_view(office, raw["official"])
        if office is not None
        else {
            "slug": raw["official"],
            "name_bn": raw.get("official_name_bn", ""),
            "name_en": raw.get("official_name_en", ""),
        },
        "name": raw.get("name", ""),
        "phone_masked": mask_phone(raw["phone"]) if raw.get("phone") else None,
        "purpose": raw.get("purpose", ""),
        "purpose_bn": purpose_bn,
        "purpose_en": purpose_en,
        "details": raw.get("details", ""),
        "lang": raw.get("lang") or "bn",
        "day": raw.get("day"),
        "position": position,
        "requested_at": iso_from_ms(raw.get("requested_ms"), tz),
        "seen_at": iso_from_ms(raw.get("seen_ms"), tz),
        "replied_at": iso_from_ms(raw.get("replied_ms"), tz),
        "reply_minutes": reply_minutes(raw),
        "at": raw.get("at") or None,
        "reason_code": raw.get("reason_code") or None,
        "reason": raw.get("reason") or None,
        "forwarded_from": raw.get("forwarded_from") or None,
        "deadline": iso_from_ms(raw.get("deadline_ms"), tz),
        "escalated": raw.get("escalated") == "1",
    }
    if reveal_phone:
        meeting["phone"] = raw.get("phone")
    return meeting


def tracking_view(raw: Mapping[str, str], office: Office, tz: ZoneInfo) -> dict[str, Any]:
    """What the citizen's tracking page shows: no phone, no name, no notes of others."""
    return {
        "id": raw["id"],
        "ref": raw["ref"],
        "ref_bn": raw["ref_bn"],
        "status": raw["status"],
        "official": official_view(office, raw["official"]),
        "requested_at": iso_from_ms(raw.get("requested_ms"), tz),
        "seen": bool(raw.get("seen_ms")),
        "forwarded": bool(raw.get("forwarded_from")),
        "at": raw.get("at") or None,
        "reason_code": raw.get("reason_code") or None,
        "reason": raw.get("reason") or None,
    }


def report(
    rows: Iterable[Mapping[str, str]], officials: Iterable[str], now_ms: int
) -> dict[str, dict[str, Any]]:
    """Per official: requests, answers, reply times, and requests unanswered past target.

    Requests and reply times count against the official first asked (forwarding is an
    answer); what is still unanswered counts against whoever holds it now.
    """
    out: dict[str, dict[str, Any]] = {
        slug: {
            "requested": 0,
            "replied": 0,
            "avg_reply_minutes": None,
            "max_reply_minutes": None,
            "unanswered_past_target": 0,
            "pending": 0,
        }
        for slug in officials
    }
    times: dict[str, list[float]] = {slug: [] for slug in out}
    for raw in rows:
        first = out.get(raw.get("first_official") or raw["official"])
        if first is not None:
            first["requested"] += 1
            minutes = reply_minutes(raw)
            if minutes is not None:
                first["replied"] += 1
                times[raw.get("first_official") or raw["official"]].append(minutes)
        holder = out.get(raw["official"])
        if holder is not None and raw["status"] == PENDING:
            holder["pending"] += 1
            if raw.get("due_ms") and int(raw["due_ms"]) <= now_ms:
                holder["unanswered_past_target"] += 1
    for slug, values in times.items():
        if values:
            out[slug]["avg_reply_minutes"] = round(sum(values) / len(values), 1)
            out[slug]["max_reply_minutes"] = max(values)
    return out
