"""The sender: drains the outbox through each gateway, oldest first, at most once each.

A row is marked 'sending' and committed before the gateway is called, then 'sent' with the
gateway's id. A process that dies between the two leaves the row 'sending'; after
`notify_sending_lease_secs` some sender (this one after a restart, or another process)
finds it and decides, because only then is the outcome unknown:

- the gateway drops repeated idempotency keys (`idempotency_header`): send it again with
  the same key. The citizen gets the message exactly once, late rather than never.
- it does not: do NOT send it again. Mark it 'failed' ("interrupted while sending; delivery
  unknown") and put a `notification.failed` event on the office's stream for the admin
  screen. Most such crashes happen after the gateway took the message, and a second "your
  turn at counter ২" minutes later sends a citizen back to a counter that has moved on; an
  admin who judges it lost can resend it (the row is then flagged `possibly_duplicate`).

Retryable failures back off exponentially with jitter; after `notify_max_attempts` a row is
'dead' (and announced the same way). A circuit breaker per gateway stops all sending after
consecutive failures of several messages, probes with the oldest row after a cool-down (a
failed probe does not count against that row), and when the gateway answers again releases
every held row so they go out in their original order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from redis.asyncio import Redis

from server.hardware.sms import GatewayError
from server.notify import alerts, outbox
from server.notify.policy import CircuitBreaker, RateLimiter, backoff_secs
from server.notify.transports import Transport
from server.settings import Settings
from server.store.models import Outbox
from server.tasks import stop

log = logging.getLogger(__name__)

# With nothing due, look at the table this often anyway: other processes queue rows too.
IDLE_SECS = 2.0


class Sender:
    """One drain loop per transport; `changed` is notified after every state change."""

    def __init__(self, transports: list[Transport], settings: Settings, redis: Redis) -> None:
        self.settings = settings
        self.redis = redis
        self.changed = asyncio.Condition()
        self._transports: dict[str, Transport] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self.breakers: dict[str, CircuitBreaker] = {}
        self.lease_secs = settings.notify_sending_lease_secs
        for transport in transports:
            self._transports[transport.channel] = transport

    async def run(self) -> None:
        for channel in list(self._transports):
            self._start(channel)
        try:
            await asyncio.Event().wait()
        finally:
            await stop(*self._tasks.values())
            for transport in self._transports.values():
                await transport.aclose()

    def _start(self, channel: str) -> None:
        self._wake[channel] = asyncio.Event()
        self.breakers[channel] = CircuitBreaker(
            self.settings.notify_breaker_failures,
            self.settings.notify_breaker_cooldown_secs,
            self.settings.notify_breaker_max_cooldown_secs,
        )
        self._tasks[channel] = asyncio.create_task(self._loop(channel), name=f"send-{channel}")

    async def replace(self, transport: Transport) -> Transport | None:
        """Swap a channel's gateway: its loop stops where it is (as if the process died)
        and a new one starts. Returns the old transport, not closed."""
        await stop(self._tasks.pop(transport.channel, None))
        old = self._transports.get(transport.channel)
        self._transports[transport.channel] = transport
        self._start(transport.channel)
        return old

    def wake(self) -> None:
        """New rows were queued: look now rather than at the next idle tick."""
        for event in self._wake.values():
            event.set()

    async def wait_until(self, check: Callable[[], Awaitable[bool]]) -> None:
        """Return once `check()` is true, re-checking after each change this sender makes."""
        while True:
            async with self.changed:
                if await check():
                    return
                await self.changed.wait()

    async def _changed(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def _loop(self, channel: str) -> None:
        limiter = RateLimiter(
            self.settings.sms_rate_per_sec if channel == "sms" else self.settings.mail_rate_per_sec
        )
        next_recovery = 0.0
        while True:
            try:
                if time.monotonic() >= next_recovery:
                    await self.recover(channel)
                    next_recovery = time.monotonic() + max(1.0, self.lease_secs / 2)
                await self._step(channel, limiter)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database or Redis is away: nothing was lost (rows are still queued or
                # sending), so wait a little and carry on.
                log.exception("notification sender (%s) failed; retrying", channel)
                await asyncio.sleep(1)

    async def _step(self, channel: str, limiter: RateLimiter) -> None:
        transport = self._transports[channel]
        breaker = self.breakers[channel]
        mono = time.monotonic()
        if not breaker.allows(mono):
            await self._idle(channel, (breaker.reopens_at() or mono) - mono)
            return
        probe = breaker.half_open(mono)
        now = outbox.utcnow()
        row = await outbox.next_due(channel, now, ignore_backoff=probe)
        if row is None:
            retry_at = await outbox.earliest_retry(channel)
            wait = IDLE_SECS if retry_at is None else (retry_at - now).total_seconds()
            await self._idle(channel, min(IDLE_SECS, max(0.0, wait)))
            return
        delay = limiter.delay(time.monotonic())
        if delay > 0:
            await asyncio.sleep(delay)  # the rate limit itself, not waiting for an event
        if not await outbox.claim(row, transport.name, outbox.utcnow()):
            return
        try:
            message_id, parts = await transport.send(row)
        except GatewayError as exc:
            await self._failed(row, exc, probe)
        except Exception as exc:  # a driver bug or a bad row: never retry blindly
            log.exception("notification %s could not be sent", row.id)
            await self._finish(row, outbox.FAILED, f"{type(exc).__name__}: {exc}")
        else:
            await outbox.sent(row, message_id, parts)
            if breaker.success():
                log.info("gateway %s is back; releasing held messages", transport.name)
                await outbox.release_backoff(channel, outbox.utcnow())
        await self._changed()

    async def _failed(self, row: Outbox, exc: GatewayError, probe: bool) -> None:
        settings = self.settings
        error = str(exc)
        if not exc.retryable:
            await self._finish(row, outbox.FAILED, error)
            return
        self.breakers[row.channel].failure(row.key, time.monotonic())
        if probe:
            await outbox.retry(row, outbox.utcnow(), error, counted=False)
            return
        if row.attempts >= settings.notify_max_attempts:
            await self._finish(row, outbox.DEAD, error)
            return
        delay = backoff_secs(
            row.attempts, settings.notify_backoff_base_secs, settings.notify_backoff_max_secs
        )
        await outbox.retry(row, outbox.utcnow() + timedelta(seconds=delay), error)

    async def _finish(self, row: Outbox, state: str, error: str) -> None:
        await outbox.finish(row, state, error)
        row.state, row.last_error = state, error
        log.warning("notification %s is %s: %s", row.id, state, error)
        await alerts.emit(
            self.redis,
            row.office_id,
            "notification.failed",
            {**alerts.summary(row), "state": state, "error": error[:200]},
            tz=self.settings.timezone,
            retention_secs=self.settings.stream_retention_secs,
        )

    async def recover(self, channel: str, *, lease_secs: float | None = None) -> int:
        """Settle rows left 'sending' by a dead process (see the module docstring)."""
        transport = self._transports[channel]
        lease = self.lease_secs if lease_secs is None else lease_secs
        rows = await outbox.orphans(channel, lease, outbox.utcnow())
        for row in rows:
            if transport.idempotent:
                log.warning("re-sending interrupted notification %s (same key)", row.id)
                await Outbox.filter(id=row.id, state=outbox.SENDING).update(
                    state=outbox.QUEUED, next_attempt_at=outbox.utcnow()
                )
            else:
                await self._finish(
                    row, outbox.FAILED, f"{outbox.INTERRUPTED}; delivery unknown, not resent"
                )
        if rows:
            await self._changed()
            self._wake[channel].set()
        return len(rows)

    async def _idle(self, channel: str, secs: float) -> None:
        event = self._wake[channel]
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for drops a cancellation that
        # arrives as the event is set, and this loop then never stops (see `replace`).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.01, secs)):
                await event.wait()
        event.clear()
