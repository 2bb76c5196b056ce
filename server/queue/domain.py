"""Statuses, transitions, numbering and the token's public shape: pure, no IO."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.bengali import to_bn_digits
from server.queue.phone import mask_phone

WAITING = "waiting"
CALLED = "called"
SERVING = "serving"
PARKED = "parked"
COMPLETED = "completed"
NO_SHOW = "no_show"
CANCELLED = "cancelled"
EXPIRED = "expired"

LIVE_STATUSES = frozenset({WAITING, CALLED, SERVING, PARKED})
FINAL_STATUSES = frozenset({COMPLETED, NO_SHOW, CANCELLED, EXPIRED})

# action -> (statuses it may start from, status it leaves the token in, event type)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "serve": (frozenset({CALLED}), SERVING, "token.serving"),
    "complete": (frozenset({CALLED, SERVING}), COMPLETED, "token.completed"),
    "no-show": (frozenset({CALLED}), NO_SHOW, "token.no_show"),
    "cancel": (frozenset({WAITING, CALLED, SERVING, PARKED}), CANCELLED, "token.cancelled"),
    "park": (frozenset({CALLED, SERVING}), PARKED, "token.parked"),
}
RECALLABLE = frozenset({CALLED})
UNPARKABLE = frozenset({PARKED})
TRANSFERABLE = frozenset({WAITING, CALLED, SERVING})
TOKEN_ACTIONS = frozenset(TRANSITIONS) | {
    "recall",
    "unpark",
    "transfer",
    "prioritise",
    "call",
}

COUNTER_STATES = {"open": "counter.opened", "pause": "counter.paused", "close": "counter.closed"}
COUNTER_STATE_NAMES = {"open": "open", "pause": "paused", "close": "closed"}


def display_code(prefix: str, number: int) -> str:
    """`A-023`: the number printed on paper and shown on screens."""
    return f"{prefix}-{number:03d}"


def display_code_bn(prefix_bn: str, number: int) -> str:
    """`ক-০২৩`: the same number as Bengali pages show it."""
    return f"{prefix_bn}-{to_bn_digits(f'{number:03d}')}"


def eta_minutes(people_ahead: int, avg_service_secs: float, counters_serving: int) -> int:
    """Expected wait for someone with `people_ahead` before them, rounded up to a minute."""
    if people_ahead <= 0:
        return 0
    return math.ceil(people_ahead * avg_service_secs / max(1, counters_serving) / 60)


def priority_allowed(priority_today: int, issued_today: int, share: float) -> bool:
    """Priority citizens go first, but never so many that the ordinary queue starves."""
    return priority_today < max(2, math.floor(share * issued_today))


@dataclass(frozen=True)
class Clock:
    """The time as the office sees it; injected so tests can move it."""

    tz: ZoneInfo

    def now(self) -> datetime:
        return datetime.now(self.tz)


def iso_from_ms(ms: str | int | None, tz: ZoneInfo) -> str | None:
    if ms in (None, "", "0", 0):
        return None
    return datetime.fromtimestamp(int(ms) / 1000, tz).isoformat(timespec="seconds")


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def public_token(
    raw: Mapping[str, Any],
    tz: ZoneInfo,
    *,
    position: int | None = None,
    eta: int | None = None,
    reveal_phone: bool = False,
) -> dict[str, Any]:
    """The token as the HTTP API and the staff channels show it (contract shape)."""
    number = int(raw["number"])
    token: dict[str, Any] = {
        "id": raw["id"],
        "office": raw["office"],
        "service": raw["service"],
        "number": number,
        "display": display_code(raw["prefix"], number),
        "display_bn": display_code_bn(raw["prefix_bn"], number),
        "status": raw["status"],
        "priority": raw.get("priority") == "1",
        "phone_masked": mask_phone(raw["phone"]) if raw.get("phone") else None,
        "counter": _int(raw.get("counter")),
        "position": position,
        "eta_minutes": eta,
        "recalls": int(raw.get("recalls") or 0),
        "issued_at": iso_from_ms(raw.get("issued_ms"), tz),
        "called_at": iso_from_ms(raw.get("called_ms"), tz),
        "served_at": iso_from_ms(raw.get("served_ms"), tz),
        "completed_at": iso_from_ms(raw.get("completed_ms"), tz),
    }
    if raw.get("outcome"):
        token["outcome"] = raw["outcome"]
    if reveal_phone and raw.get("phone"):
        token["phone"] = raw["phone"]
    return token


def redacted_token(raw: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """What a hall screen or a kiosk may know of a token: no phone, no notes."""
    token = public_token(raw, tz)
    for private in ("phone_masked", "outcome", "priority"):
        token.pop(private, None)
    return token
