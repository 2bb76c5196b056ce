"""Who may open which channel, and what each channel may see of an event. Pure, no IO.

Every event is rendered once per *view* (a channel, plus the official for the official
channel) and the same JSON string goes to every socket of that view.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from server.queue import domain
from server.queue.store import Actor
from server.realtime.envelope import Event
from server.realtime.official import concerns, staff_meeting_event

PUBLIC = frozenset({"display", "kiosk"})
# channel -> roles that may open it. Device keys for display and kiosk are accepted (and
# checked) on the public channels, but nobody needs one there.
STAFF_ROLES: dict[str, tuple[str, ...]] = {
    "counter": ("counter", "admin"),
    "official": ("official", "admin"),
    "admin": ("admin",),
}
PUBLIC_ROLES: dict[str, tuple[str, ...]] = {
    "display": ("display", "counter", "admin"),
    "kiosk": ("kiosk", "counter", "admin"),
}
CHANNELS = PUBLIC | frozenset(STAFF_ROLES)

DISPLAY_TYPES = frozenset(
    {
        "token.called",
        "token.recalled",
        "token.serving",
        "token.completed",
        "token.no_show",
        "token.cancelled",
        "token.transferred",
        # A parked citizen has left the counter for a while: their tile empties.
        "token.parked",
        "counter.opened",
        "counter.paused",
        "counter.closed",
        # A new day empties the hall screen.
        "day.rolled",
    }
)
# Everything that changes a queue's length (what a kiosk shows next to each service).
KIOSK_TYPES = frozenset(
    {
        "token.issued",
        "token.called",
        "token.cancelled",
        "token.transferred",
        "token.unparked",
        "counter.opened",
        "counter.paused",
        "counter.closed",
        "day.rolled",
        "printer.status",
    }
)
# Plain facts a public screen may carry next to a redacted token; anything else (actor,
# reasons, outcomes, free text) stays off the public channels.
PUBLIC_FIELDS = (
    "counter",
    "state",
    "was",
    "from",
    "from_service",
    "from_counter",
    "to_service",
    "to_counter",
    "day",
    "previous",
)
PUBLIC_TOKEN_FIELDS = (
    "office",
    "service",
    "number",
    "display",
    "display_bn",
    "status",
    "counter",
    "recalls",
    "issued_at",
    "called_at",
    "served_at",
    "completed_at",
)


@dataclass(frozen=True)
class View:
    """What one socket may see: its channel and, on the official channel, whose meetings."""

    channel: str
    official: str | None = None
    every_official: bool = False


def view_for(channel: str, actor: Actor | None) -> View:
    if channel == "official" and actor is not None:
        # An admin who chose an official (see `as_official`) sees that official's screen.
        every = actor.role == "admin" and not actor.official
        return View(channel, actor.official, every_official=every)
    return View(channel)


def as_official(channel: str, actor: Actor | None, wanted: str | None) -> Actor | None:
    """An admin opening the official channel with `?official=slug` acts as that official's
    viewer; anyone else is bound to their own official whatever they ask for."""
    if channel != "official" or actor is None or actor.role != "admin" or not wanted:
        return actor
    return replace(actor, official=wanted)


def may_open(channel: str, actor: Actor | None, office: str) -> int | None:
    """None when `actor` may open `channel` of `office`, else the websocket close code.

    Public channels are open to anyone; a staff session there counts as anonymous, but a
    device key offered there must be a valid one of this office.
    """
    if channel in PUBLIC and (actor is None or actor.kind != "apikey"):
        return None
    if actor is None:
        return 4401
    roles = PUBLIC_ROLES.get(channel) or STAFF_ROLES[channel]
    if actor.role not in roles or actor.office != office:
        return 4403
    if channel == "official" and actor.role == "official" and not actor.official:
        return 4403
    return None


def public_token(raw: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """domain.redacted_token without the id: the id is the citizen's private tracking link."""
    token = domain.redacted_token(raw, tz)
    return {k: token[k] for k in PUBLIC_TOKEN_FIELDS if k in token}


def _public(data: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    out = {k: data[k] for k in PUBLIC_FIELDS if k in data}
    if isinstance(data.get("token"), Mapping):
        out["token"] = public_token(data["token"], tz)
    if "count" in data:
        out["count"] = data["count"]
    return out


def _staff(data: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    out = dict(data)
    if isinstance(data.get("token"), Mapping):
        out["token"] = domain.public_token(data["token"], tz)
    if isinstance(data.get("actor"), Mapping):
        out["actor"] = {k: data["actor"].get(k) for k in ("kind", "role", "name")}
    return out


def _printer(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"state": str(data.get("state", "")), "message": str(data.get("message", ""))}


def visible(view: View, event: Event, tz: ZoneInfo) -> dict[str, Any] | None:
    """The event's data as `view` may see it, or None when the view must not see it."""
    kind = event.type
    if view.channel == "display":
        return _public(event.data, tz) if kind in DISPLAY_TYPES else None
    if view.channel == "kiosk":
        if kind not in KIOSK_TYPES:
            return None
        return _printer(event.data) if kind == "printer.status" else _public(event.data, tz)
    if view.channel == "counter":
        if kind.startswith(("token.", "counter.")) or kind == "day.rolled":
            return _staff(event.data, tz)
        return None
    if view.channel == "official":
        if not kind.startswith("meeting."):
            return None
        mine = view.every_official or concerns(event.data, view.official)
        return _staff(staff_meeting_event(event.data, tz), tz) if mine else None
    if view.channel == "admin":
        if kind.startswith("meeting."):
            return _staff(staff_meeting_event(event.data, tz), tz)
        return _staff(event.data, tz)
    return None


def encode(view: View, event: Event, epoch: str, tz: ZoneInfo) -> str | None:
    """The wire message for `view` as one JSON string, or None when it must not see it."""
    data = visible(view, event, tz)
    if data is None:
        return None
    return json.dumps(event.wire(epoch, data), ensure_ascii=False, separators=(",", ":"))
