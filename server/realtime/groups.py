"""Consumer groups over every office's stream: the persister, notifier and spooler run here.

Each consumer reads with XREADGROUP on a connection of its own with no socket timeout (a
blocking read must not be cut by the command pool's timeout), acknowledges an entry only after
its handler succeeded, and claims entries left pending by a consumer that died.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.queue import keys
from server.realtime.envelope import Event, stream_id_key
from server.tasks import cancelled

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]
BatchHandler = Callable[[list[Event]], Awaitable[None]]

# Blocking reads end this often so that new offices and stop requests are noticed.
BLOCK_MS = 2000
# An entry pending this long with another consumer is taken over: that consumer is gone.
CLAIM_IDLE_MS = 30_000
# After this many failed deliveries an entry is set aside instead of blocking the group.
MAX_DELIVERIES = 5
BATCH = 100


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class GroupConsumer:
    """Run `handler` once for every event of every office, at least once, in stream order."""

    def __init__(
        self,
        redis_url: str,
        group: str,
        handler: Handler,
        *,
        start_id: str = "0",
        name: str | None = None,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        batch_handler: BatchHandler | None = None,
    ) -> None:
        self.redis = Redis.from_url(redis_url, decode_responses=True, socket_timeout=None)
        self.group = group
        self.handler = handler
        self.start_id = start_id
        self.name = name or consumer_name()
        self.claim_idle_ms = claim_idle_ms
        # Optional: all entries of one read at once (e.g. one SQL transaction); when it fails,
        # the entries are handled one by one, so one bad entry cannot hold back the rest.
        self.batch_handler = batch_handler
        self._known: set[str] = set()
        self._failures: dict[str, int] = {}
        self._done: dict[str, tuple[int, int]] = {}
        self._progress = asyncio.Condition()

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self._once()
                except ResponseError as exc:
                    # NOGROUP, or UNBLOCKED when a stream was deleted under a blocking read:
                    # Redis lost the stream (restarted empty). Make the groups again.
                    log.warning("%s: %s; recreating consumer groups", self.group, exc)
                    self._known.clear()
                except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                    if cancelled():
                        raise asyncio.CancelledError from exc
                    log.warning("%s: Redis unavailable (%s); retrying", self.group, exc)
                    await asyncio.sleep(1)
                except Exception:
                    if cancelled():
                        raise
                    # A consumer must outlive any one failure: nothing else would restart it.
                    log.exception("%s: unexpected failure; carrying on", self.group)
                    self._known.clear()
                    await asyncio.sleep(1)
        finally:
            await self.redis.aclose()

    async def _once(self) -> None:
        offices = await self._offices()
        if not offices:
            await asyncio.sleep(BLOCK_MS / 1000)
            return
        # Entries this consumer took but did not finish come first, then claimed ones, then new.
        handled = await self._read({keys.events(o): "0" for o in offices}, block=None)
        for office in offices:
            handled += await self._claim(office)
        if not handled:
            await self._read({keys.events(o): ">" for o in offices}, block=BLOCK_MS)

    async def _offices(self) -> list[str]:
        offices = sorted(await self.redis.smembers(keys.offices()))
        for office in offices:
            if office not in self._known:
                await self._ensure_group(office)
                self._known.add(office)
        return offices

    async def _ensure_group(self, office: str) -> None:
        try:
            await self.redis.xgroup_create(
                keys.events(office), self.group, id=self.start_id, mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _read(self, streams: dict[str, str], block: int | None) -> int:
        reply = await self.redis.xreadgroup(
            self.group, self.name, streams, count=BATCH, block=block
        )
        handled = 0
        for stream, entries in reply or []:
            office = stream.split("{", 1)[1].split("}", 1)[0]
            trimmed = [entry_id for entry_id, fields in entries if fields is None]
            if trimmed:  # trimmed away while pending: nothing left to handle
                await self.redis.xack(stream, self.group, *trimmed)
            events = [
                Event.from_entry(office, entry_id, fields)
                for entry_id, fields in entries
                if fields is not None
            ]
            await self._handle_all(stream, events)
            handled += len(events)
        return handled

    async def _handle_all(self, stream: str, events: list[Event]) -> None:
        if self.batch_handler is not None and len(events) > 1:
            try:
                await _uncancellable(self.batch_handler(events))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("%s: batch of %d failed; one by one", self.group, len(events))
            else:
                await self.redis.xack(stream, self.group, *(e.id for e in events))
                await self._advance(events[-1])
                return
        for event in events:
            await self._handle(stream, event)

    async def _claim(self, office: str) -> int:
        stream = keys.events(office)
        _, entries, *_ = await self.redis.xautoclaim(
            stream, self.group, self.name, min_idle_time=self.claim_idle_ms, count=BATCH
        )
        await self._handle_all(
            stream,
            [Event.from_entry(office, i, fields) for i, fields in entries if fields is not None],
        )
        return len(entries)

    async def _handle(self, stream: str, event: Event) -> None:
        try:
            await _uncancellable(self.handler(event))
        except asyncio.CancelledError:
            raise
        except Exception:
            failures = self._failures.get(event.id, 0) + 1
            self._failures[event.id] = failures
            log.exception(
                "%s: handling %s %s failed (%d)", self.group, event.type, event.id, failures
            )
            if failures < MAX_DELIVERIES:
                await asyncio.sleep(min(2**failures * 0.1, 5))
                return
            log.error("%s: setting %s aside after %d failures", self.group, event.id, failures)
            await self.redis.xadd(
                keys.prefix(event.office) + f"dead:{self.group}",
                {"id": event.id, "type": event.type},
                maxlen=10_000,
            )
        self._failures.pop(event.id, None)
        await self.redis.xack(stream, self.group, event.id)
        await self._advance(event)

    async def _advance(self, event: Event) -> None:
        async with self._progress:
            done = self._done.get(event.office, (0, 0))
            self._done[event.office] = max(done, stream_id_key(event.id))
            self._progress.notify_all()

    async def processed(self, office: str, event_id: str) -> None:
        """Return once this consumer has handled `event_id` (and so everything before it)."""
        target = stream_id_key(event_id)
        async with self._progress:
            await self._progress.wait_for(lambda: self._done.get(office, (0, 0)) >= target)


async def _uncancellable(work: Awaitable[None]) -> None:
    """Run a handler to its end even if this consumer is cancelled meanwhile.

    Stopping a consumer must not cut a handler inside an SQL transaction: Tortoise's SQLite
    client can leave its connection lock held when cancelled there, and every later query
    then waits forever. The entry is not acknowledged, so it is handled again (idempotently)
    by whoever consumes next.
    """
    await asyncio.shield(asyncio.ensure_future(work))
