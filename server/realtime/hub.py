"""One stream reader per office per process, fanning events out to local sockets.

The broadcaster pattern (encode/broadcaster) with what it lacks: bounded per-socket queues (a
stalled socket is closed with 1013 instead of growing memory), one JSON encoding per event per
view, and fan-out in batches that yield so HTTP commands are never starved by a broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.queue import keys
from server.queue.store import QueueStore
from server.realtime import channels
from server.realtime.channels import View
from server.realtime.direct import DirectSocket, frame
from server.realtime.envelope import Event, stream_id_key
from server.realtime.metrics import Metrics
from server.tasks import cancelled
from server.tasks import stop as stop_task

log = logging.getLogger(__name__)

# A socket may fall this many messages behind before it is closed; it resumes on reconnect.
QUEUE_SIZE = 256
# A fan-out hands the event loop back after this much work, so that a request arriving
# during a broadcast to thousands of screens waits for a slice, not for the whole broadcast.
SLICE_SECS = 0.001
# Sockets written between looks at the clock.
CHECK_EVERY = 32
# Blocking reads end this often so that a lost connection is noticed even when idle.
BLOCK_MS = 10_000
READ_COUNT = 500
SETUP_CONCURRENCY = 8
# App-level keep-alive: a ping every ~15 s, jittered so that 5,000 screens that connected
# together do not all answer at once; a socket silent for longer than one missed ping is
# dead and reaped. Sweeps come often so that each one pings a few sockets, not a second's
# worth: a burst of a thousand pongs held the loop ~40 ms.
PING_SECS = 15.0
PING_JITTER_SECS = 3.0
SILENT_SECS = 27.0
SWEEP_SECS = 0.25
PING = '{"type":"ping"}'
PING_FRAME = frame(PING.encode())

CLOSE_TRY_AGAIN = 1013  # too slow: reconnect and resume
CLOSE_RESTART = 1012  # the office's epoch changed: reconnect for a snapshot
CLOSE_GOING_AWAY = 1001  # silent too long, or the server is stopping

Item = tuple[tuple[int, int] | None, str]


class Slice:
    """A stretch of work over many sockets that hands the loop back every SLICE_SECS."""

    def __init__(self) -> None:
        self.steps = 0
        self.started = time.perf_counter()

    def over(self) -> bool:
        """Count one step; True when this slice has had its time."""
        self.steps += 1
        return self.steps % CHECK_EVERY == 0 and time.perf_counter() - self.started > SLICE_SECS

    async def hand_back(self) -> None:
        await asyncio.sleep(0)
        self.started = time.perf_counter()


class Outbox:
    """A socket's bounded send queue. Leaner than asyncio.Queue, which costs a fan-out of
    thousands of sockets several microseconds a put; the writer takes what piled up at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: deque[Item] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def put(self, item: Item) -> bool:
        if len(self.items) >= self.size:
            return False
        self.items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        return True

    async def take(self) -> list[Item]:
        """Everything queued, waiting for at least one item."""
        while not self.items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        items = list(self.items)
        self.items.clear()
        return items


class Subscriber:
    """One socket's place in the hub: its view, bounded queue and liveness."""

    def __init__(
        self, office: str, view: View, metrics: Metrics, direct: DirectSocket | None = None
    ) -> None:
        self.office = office
        self.view = view
        self.outbox = Outbox(QUEUE_SIZE)
        self.direct = direct
        # Live: the snapshot and replay are out. Writing: the writer holds items it took from
        # the outbox. Only a live socket with nothing pending may be written directly, or
        # events would overtake each other.
        self.live = False
        self.writing = False
        self.closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        # Set once the socket's first message is out; events before that carry no epoch risk.
        self.epoch: str | None = None
        # The stream id of the last event this socket was sent (replay or live).
        self.last: tuple[int, int] = (0, 0)
        self.last_seen = time.monotonic()
        self.next_ping = self.last_seen + _ping_delay()
        self._metrics = metrics

    def offer(self, item: Item) -> None:
        if not self.closed.done() and not self.outbox.put(item):
            self.close(CLOSE_TRY_AGAIN, "slow")

    def send_now(self, key: tuple[int, int] | None, framed: bytes) -> bool:
        """Write a pre-framed message at once if nothing is ahead of it; False: offer it.
        `key` is the event's stream id, None for a ping."""
        if (
            self.direct is None
            or not self.live
            or self.writing
            or self.outbox.items
            or self.closed.done()
        ):
            return False
        if key is not None and key <= self.last:
            return False  # the replay sent it already: the writer will skip it
        if not self.direct.write(framed):
            return False
        if key is not None:
            self.last = key
        return True

    def ping(self) -> None:
        if not self.send_now(None, PING_FRAME):
            self.offer((None, PING))

    def close(self, code: int | None, reason: str = "") -> None:
        """End the socket: with a close code when the server decides, None when it is gone."""
        if not self.closed.done():
            self.closed.set_result(code)
            if reason:
                self._metrics.drop(reason)

    def metrics_sent(self, count: int = 1) -> None:
        self._metrics.events_sent += count

    def heard(self) -> None:
        self.last_seen = time.monotonic()


def _ping_delay() -> float:
    return PING_SECS + random.uniform(-PING_JITTER_SECS, PING_JITTER_SECS)


def expired(sub: Subscriber, now: float) -> bool:
    return now - sub.last_seen > SILENT_SECS


class OfficeReader:
    """XREAD BLOCK on one office's stream, from the position it had when it started."""

    def __init__(self, hub: Hub, office: str) -> None:
        self.hub = hub
        self.office = office
        # Sockets by view: a fan-out encodes once per view and never hashes a view per socket.
        # Dicts, not lists: when a hall of screens drops at once, each removal is O(1).
        self.views: dict[View, dict[Subscriber, None]] = {}
        self.ready = asyncio.Event()
        self.cursor = "0-0"
        self.epoch = ""
        self.task = asyncio.create_task(self.run(), name=f"realtime:{office}")

    async def run(self) -> None:
        stream = keys.events(self.office)
        store = self.hub.store
        while True:
            try:
                if not self.ready.is_set():
                    # Position first: a subscriber that sees `ready` then reads the stream's
                    # last id gets every later event from here (see socket.py).
                    last = await store.redis.xrevrange(stream, count=1)
                    self.cursor = last[0][0] if last else "0-0"
                    self.epoch = await store.epoch(self.office)
                    self.ready.set()
                reply = await self.hub.blocking.xread(
                    {stream: self.cursor}, count=READ_COUNT, block=BLOCK_MS
                )
                # A rebuild of live state appends no event: an idle office notices it here.
                await self._check_epoch()
                if reply:
                    await self._fan_out(reply[0][1])
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                if cancelled():
                    raise asyncio.CancelledError from exc
                log.warning("realtime %s: Redis unavailable (%s); retrying", self.office, exc)
                await asyncio.sleep(1)

    async def _check_epoch(self) -> None:
        epoch = await self.hub.store.epoch(self.office)
        if epoch == self.epoch:
            return
        # Live state was rebuilt: what sockets hold is void. They reconnect, see the new
        # epoch and take a snapshot.
        self.epoch = epoch
        for sub in self.subscribers:
            if sub.epoch is not None and sub.epoch != epoch:
                sub.close(CLOSE_RESTART, "epoch")

    @property
    def subscribers(self) -> list[Subscriber]:
        return [sub for group in self.views.values() for sub in group]

    def add(self, sub: Subscriber) -> None:
        self.views.setdefault(sub.view, {})[sub] = None

    def remove(self, sub: Subscriber) -> None:
        group = self.views[sub.view]
        del group[sub]
        if not group:
            del self.views[sub.view]

    async def _fan_out(self, entries: list[tuple[str, dict[str, str]]]) -> None:
        tz = self.hub.store.tz
        for entry_id, fields in entries:
            self.cursor = entry_id
            key = stream_id_key(entry_id)
            entry = (self.office, entry_id, fields)
            groups = [(view, list(subs)) for view, subs in self.views.items()]
            work = Slice()
            for view, subs in groups:
                try:
                    message = channels.encode(view, Event.from_entry(*entry), self.epoch, tz)
                except Exception:
                    # One malformed entry must not end the office's feed for every screen.
                    log.exception("realtime %s: cannot send event %s", self.office, entry_id)
                    break
                if message is None:
                    continue
                item = (key, message)
                framed = frame(message.encode())
                direct = 0
                for sub in subs:
                    if sub.send_now(key, framed):
                        direct += 1
                    else:
                        sub.offer(item)
                    if work.over():
                        await work.hand_back()
                self.hub.metrics.events_sent += direct
                self.hub.metrics.events_direct += direct


class Hub:
    """Every realtime subscription of this process, and the readers that feed them."""

    def __init__(self, redis_url: str, store: QueueStore, metrics: Metrics) -> None:
        self.store = store
        self.metrics = metrics
        # Blocking reads get their own pool with no socket timeout (see PITFALLS: redis-py
        # would otherwise cut and resend an XREAD BLOCK).
        self.blocking = Redis.from_url(redis_url, decode_responses=True, socket_timeout=None)
        self.readers: dict[str, OfficeReader] = {}
        # Snapshots and replays in progress at once. A hall of screens reconnecting after a
        # restart would otherwise take every connection of the command pool and make HTTP
        # commands wait behind them.
        self.setup_slots = asyncio.Semaphore(SETUP_CONCURRENCY)
        self._sweeper: asyncio.Task[None] | None = None
        metrics.reader_count = lambda: len(self.readers)

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep(), name="realtime:keepalive")

    async def stop(self) -> None:
        for reader in list(self.readers.values()):
            for sub in reader.subscribers:
                sub.close(CLOSE_GOING_AWAY)
            await stop_task(reader.task)
        self.readers.clear()
        if self._sweeper:
            await stop_task(self._sweeper)
        await self.blocking.aclose()

    @contextlib.asynccontextmanager
    async def subscribe(
        self, office: str, view: View, direct: DirectSocket | None = None
    ) -> AsyncIterator[Subscriber]:
        """Buffer every event of `office` that `view` may see from the moment this returns."""
        reader = self.readers.get(office)
        if reader is None:
            reader = self.readers[office] = OfficeReader(self, office)
        sub = Subscriber(office, view, self.metrics, direct)
        reader.add(sub)
        self.metrics.connected(office, view.channel, 1)
        try:
            await reader.ready.wait()
            yield sub
        finally:
            sub.close(None)
            reader.remove(sub)
            self.metrics.connected(office, view.channel, -1)
            if not reader.views and self.readers.get(office) is reader:
                del self.readers[office]
                await stop_task(reader.task)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECS)
            now = time.monotonic()
            work = Slice()
            for reader in list(self.readers.values()):
                for sub in reader.subscribers:
                    if expired(sub, now):
                        sub.close(CLOSE_GOING_AWAY, "silent")
                    elif now >= sub.next_ping:
                        sub.next_ping = now + _ping_delay()
                        sub.ping()
                    if work.over():
                        await work.hand_back()
