"""Replay or snapshot: the pure decision a (re)connecting socket's first message rests on.

A client that saw everything up to stream id `since` under `epoch` gets exactly what came
after, provided nothing it missed can have been trimmed and the office's live state was not
rebuilt (a rebuild bumps the epoch). Otherwise it gets a fresh snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.realtime.envelope import stream_id_key

# ASCII digits only: `\d` also matches Bengali (and every other) digits, which int() reads
# but Redis refuses, so such a cursor would fail the replay instead of getting a snapshot.
STREAM_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")
ZERO = "0-0"


@dataclass(frozen=True)
class Plan:
    """`replay` from `since`, or a `snapshot` (then `resumed` says whether one was asked)."""

    replay: bool
    since: str | None = None
    asked: bool = False


def plan(
    since: str | None,
    client_epoch: str | None,
    epoch: str,
    oldest: str | None,
    last: str,
) -> Plan:
    """Decide from the client's cursor and the stream's bounds (`oldest` None: empty stream).

    The cursor is accepted only when `since` is at or after the oldest retained entry: an id
    below it may have had successors trimmed, and a gap must never pass silently (Zulip's
    "bad event queue id" rule). A cursor ahead of the stream's last id means the stream is not
    the one the client read (Redis lost data without an epoch bump): snapshot too.
    """
    if since is None:
        return Plan(replay=False)
    if client_epoch != epoch or not STREAM_ID.fullmatch(since):
        return Plan(replay=False, asked=True)
    cursor = stream_id_key(since)
    if cursor > stream_id_key(last):
        return Plan(replay=False, asked=True)
    if oldest is not None and cursor < stream_id_key(oldest):
        return Plan(replay=False, asked=True)
    return Plan(replay=True, since=since, asked=True)
