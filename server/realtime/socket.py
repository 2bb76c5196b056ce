"""`/ws/{office}/{channel}`: authenticate, send a snapshot or a replay, then live events.

Order of operations is what makes "no gap, no duplicate" hold:
1. subscribe to the hub (from now on live events are buffered in the socket's queue);
2. read the stream's last id, then the state (snapshot), or take the client's cursor;
3. replay the stream after that id with XRANGE, sending each entry the view may see;
4. start the writer, which drops buffered events at or below the last id already sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from server.api.auth import key_digest
from server.errors import ShebaError
from server.queue import keys
from server.queue.store import Actor, QueueStore
from server.realtime import channels, resume, snapshot
from server.realtime.direct import DirectSocket
from server.realtime.envelope import Event, stream_id_key
from server.realtime.hub import Hub, Subscriber

# A staff socket with no cookie or header has this long to send {"type": "auth", "key"}.
AUTH_WAIT_SECS = 5.0
# Closing a stalled socket waits this long for its send buffer to drain, then gives up.
CLOSE_TIMEOUT_SECS = 10.0
REPLAY_BATCH = 500
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
PONG = '{"type":"pong"}'


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


async def _key_actor(store: QueueStore, key: object) -> Actor | None:
    if not isinstance(key, str) or not key:
        return None
    raw = await store.redis.get(keys.api_key(key_digest(key.strip())))
    return Actor(**json.loads(raw)) if raw else None


def _same_origin(ws: WebSocket) -> bool:
    """Browsers always send Origin; a cross-site page must not ride a staff cookie."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


async def _authenticate(ws: WebSocket, store: QueueStore, channel: str) -> Actor | int | None:
    """The actor (None: anonymous on a public channel) or a close code."""
    if channel not in channels.PUBLIC and not _same_origin(ws):
        return CLOSE_FORBIDDEN
    try:
        actor = await ws.state.sessions.actor(ws)
    except ShebaError:
        return CLOSE_UNAUTHORIZED
    if actor is None and channel not in channels.PUBLIC:
        try:
            async with asyncio.timeout(AUTH_WAIT_SECS):
                first = await ws.receive_json()
        except (TimeoutError, ValueError, KeyError):
            return CLOSE_UNAUTHORIZED
        if not isinstance(first, dict) or first.get("type") != "auth":
            return CLOSE_UNAUTHORIZED
        actor = await _key_actor(store, first.get("key"))
    return actor


async def endpoint(ws: WebSocket) -> None:
    """The realtime websocket (see ARCHITECTURE.md, "Realtime contract")."""
    store: QueueStore = ws.state.store
    hub: Hub = ws.state.hub
    office, channel = ws.path_params["office"], ws.path_params["channel"]
    await ws.accept()
    try:
        if channel not in channels.CHANNELS:
            raise _Close(CLOSE_NOT_FOUND)
        try:
            await store.office(office)
        except ShebaError:
            raise _Close(CLOSE_NOT_FOUND) from None
        actor = await _authenticate(ws, store, channel)
        if isinstance(actor, int):
            raise _Close(actor)
        refused = channels.may_open(channel, actor, office)
        if refused:
            raise _Close(refused)
        actor = channels.as_official(channel, actor, ws.query_params.get("official"))
        if actor is not None and actor.official is not None and channel == "official":
            if actor.official not in (await store.office(office)).officials:
                raise _Close(CLOSE_NOT_FOUND)
        view = channels.view_for(channel, actor)
        async with hub.subscribe(office, view, DirectSocket.of(ws.scope)) as sub:
            await _start(ws, store, sub, channel, actor)
            code = await _run(ws, store, sub)
        if code is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_TIMEOUT_SECS):
                    await ws.close(code)
    except _Close as close:
        with contextlib.suppress(Exception):
            await ws.close(close.code)
    except (WebSocketDisconnect, OSError):
        pass


class _Close(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


async def _start(
    ws: WebSocket, store: QueueStore, sub: Subscriber, channel: str, actor: Actor | None
) -> None:
    async with _setup_slots(ws):
        await _first_message(ws, store, sub, channel, actor)


def _setup_slots(ws: WebSocket) -> asyncio.Semaphore:
    hub: Hub = ws.state.hub
    return hub.setup_slots


async def _first_message(
    ws: WebSocket, store: QueueStore, sub: Subscriber, channel: str, actor: Actor | None
) -> None:
    stream = keys.events(sub.office)
    epoch = await store.epoch(sub.office)
    # Set at once: a rebuild from here on closes this socket (1012) rather than leaving it
    # with state from the old epoch.
    sub.epoch = epoch
    newest = await store.redis.xrevrange(stream, count=1)
    last = newest[0][0] if newest else resume.ZERO
    oldest = await store.redis.xrange(stream, count=1)
    decision = resume.plan(
        ws.query_params.get("since"),
        ws.query_params.get("epoch"),
        epoch,
        oldest[0][0] if oldest else None,
        last,
    )
    if decision.replay and decision.since is not None:
        last = decision.since
        await ws.send_text(_dumps({"type": "resumed", "epoch": epoch, "id": last}))
    else:
        data = await snapshot.build(store, sub.office, channel, actor)
        message: dict[str, Any] = {"type": "snapshot", "epoch": epoch, "id": last, "data": data}
        if decision.asked:
            message["resumed"] = False
        await ws.send_text(_dumps(message))
    sub.last = await _replay(ws, store, sub, last, epoch)


async def _replay(
    ws: WebSocket, store: QueueStore, sub: Subscriber, after: str, epoch: str
) -> tuple[int, int]:
    stream = keys.events(sub.office)
    while True:
        entries = await store.redis.xrange(stream, min="(" + after, count=REPLAY_BATCH)
        for entry_id, fields in entries:
            event = Event.from_entry(sub.office, entry_id, fields)
            message = channels.encode(sub.view, event, epoch, store.tz)
            if message is not None:
                await ws.send_text(message)
                sub.metrics_sent()
            after = entry_id
        if len(entries) < REPLAY_BATCH:
            return stream_id_key(after)


async def _run(ws: WebSocket, store: QueueStore, sub: Subscriber) -> int | None:
    """Write queued events and read client messages until either side ends the socket."""
    writer = asyncio.create_task(_write(ws, sub))
    reader = asyncio.create_task(_read(ws, store, sub))
    try:
        return await sub.closed
    finally:
        for task in (writer, reader):
            task.cancel()
        await asyncio.gather(writer, reader, return_exceptions=True)


async def _write(ws: WebSocket, sub: Subscriber) -> None:
    sub.live = True
    try:
        while True:
            items = await sub.outbox.take()
            sub.writing, sent = True, 0
            for key, message in items:
                if key is not None:
                    # Already sent by the replay that followed the snapshot.
                    if key <= sub.last:
                        continue
                    sub.last = key
                await ws.send_text(message)
                sent += 1
            sub.writing = False
            sub.metrics_sent(sent)
    except (WebSocketDisconnect, RuntimeError, OSError):
        sub.close(None)


async def _read(ws: WebSocket, store: QueueStore, sub: Subscriber) -> None:
    try:
        while True:
            text = await ws.receive_text()
            sub.heard()
            if text == PONG:
                continue  # a third of a second's sweep brings hundreds of these
            with contextlib.suppress(ValueError):
                message = json.loads(text)
                if isinstance(message, dict) and message.get("type") == "auth":
                    # A device key on a public channel: checked, though it grants nothing.
                    actor = await _key_actor(store, message.get("key"))
                    refused = channels.may_open(sub.view.channel, actor, sub.office)
                    if actor is None or refused:
                        sub.close(refused or CLOSE_UNAUTHORIZED, "auth")
    except (WebSocketDisconnect, RuntimeError, KeyError):
        sub.close(None)
