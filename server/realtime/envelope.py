"""The one event envelope: what a Lua script XADDs, and what consumers and sockets see."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """One entry of an office's stream: `type`, `at` and JSON `data`, under a stream id."""

    id: str
    office: str
    type: str
    at: str
    data: dict[str, Any]

    @classmethod
    def from_entry(cls, office: str, entry_id: str, fields: dict[str, str]) -> Event:
        return cls(
            id=entry_id,
            office=office,
            type=fields.get("type", ""),
            at=fields.get("at", ""),
            data=json.loads(fields.get("data") or "{}"),
        )

    def wire(self, epoch: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The realtime contract's message, with `data` as a channel may see it."""
        return {
            "id": self.id,
            "epoch": epoch,
            "type": self.type,
            "office": self.office,
            "at": self.at,
            "data": self.data if data is None else data,
        }


def stream_id_key(entry_id: str) -> tuple[int, int]:
    """Stream ids compare as (milliseconds, sequence), not as strings."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)
