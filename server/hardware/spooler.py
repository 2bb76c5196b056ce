"""The spooler: a consumer group that prints each kiosk token's ticket, at most once.

Printing never happens on the request path. The spooler reads `token.issued` events from the
office's stream (group "spooler"), asks the printer whether it can print, and only then claims
the ticket with `SET NX` on `printed:{token}` and sends it.

At most once, and what a crash means: the claim is taken before the first byte goes out and
is never released. If the process dies (or the printer fails) after the claim, that ticket is
not printed again: it may already be lying in the tray, and a second paper with the same
number is worse than none. The citizen still has the number on the kiosk screen, which says
so when the printer is reported down, and in the SMS. A printer that is down *before* a job
(refused connection, paper out) is waited for with backoff until the ticket is stale.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Coroutine
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from server.hardware.printing import (
    Printer,
    PrinterError,
    PrinterStatus,
    TicketData,
    open_printer,
    profile_width,
    render_ticket,
)
from server.queue import domain, keys
from server.queue.office import Office
from server.queue.store import QueueStore
from server.realtime.envelope import Event
from server.realtime.groups import GroupConsumer
from server.settings import Settings

log = logging.getLogger(__name__)

GROUP = "spooler"
# A citizen waits at the kiosk a minute or two at most: a ticket later than this would land
# in an empty tray and confuse the next person, so it is dropped (the screen and SMS remain).
STALE_SECS = 180
# The claim outlives the day's tokens; it only has to stop a second print.
CLAIM_TTL_SECS = 2 * 24 * 3600
# Waits between asking a printer that is down again: quick at first, then every few seconds.
RETRY_SECS = (0.5, 1.0, 2.0, 4.0, 5.0)


def ticket_data(
    token: dict[str, Any],
    office: Office,
    *,
    position: int | None,
    eta_minutes: int | None,
    tz: ZoneInfo,
    base_url: str,
) -> TicketData:
    """What the ticket of a raw token (as the Lua scripts keep it) says."""
    number = int(token["number"])
    service = office.service(token["service"])
    counter = token.get("counter") or ""
    counter_bn = None
    if counter and int(counter) in office.counters:
        counter_bn = office.counters[int(counter)].name_bn
    issued_ms = int(token.get("issued_ms") or time.time() * 1000)
    return TicketData(
        office_name_bn=office.name_bn,
        token_display_bn=domain.display_code_bn(token["prefix_bn"], number),
        token_display=domain.display_code(token["prefix"], number),
        service_name_bn=service.name_bn,
        counter_bn=counter_bn,
        people_ahead=max(0, (position or 1) - 1),
        eta_minutes=eta_minutes or 0,
        issued_at=datetime.fromtimestamp(issued_ms / 1000, tz),
        tracking_url=f"{base_url.rstrip('/')}/t/{token['id']}",
        documents_bn=tuple(service.documents_bn),
    )


def should_print(event: Event, *, print_staff_tokens: bool = False) -> bool:
    """Kiosk tokens print; staff-issued ones only when the office asks for it."""
    if event.type != "token.issued" or not isinstance(event.data.get("token"), dict):
        return False
    role = (event.data.get("actor") or {}).get("role")
    return role == "kiosk" or (print_staff_tokens and role in ("counter", "admin"))


def event_age_secs(event_id: str, now: float | None = None) -> float:
    return (now if now is not None else time.time()) - int(event_id.split("-", 1)[0]) / 1000


async def publish_status(
    redis: Redis, office: str, status: PrinterStatus, *, retention_secs: int = 36 * 3600
) -> bool:
    """Record the printer's state; emit `printer.status` when it changed. True if emitted."""
    key = keys.printer(office)
    if await redis.hget(key, "state") == status.state:
        return False
    now = datetime.now().astimezone()
    pipe = redis.pipeline(transaction=True)
    pipe.hset(key, mapping={"state": status.state, "message": status.message})
    pipe.xadd(
        keys.events(office),
        {
            "type": "printer.status",
            "at": now.isoformat(timespec="seconds"),
            "data": json.dumps({"state": status.state, "message": status.message}),
        },
        minid=str(int((time.time() - retention_secs) * 1000)),
        approximate=True,
    )
    await pipe.execute()
    return True


class Spooler:
    """Turns `token.issued` events into printed tickets; `handle` is the group's handler."""

    def __init__(
        self,
        store: QueueStore,
        printer: Printer,
        *,
        base_url: str,
        print_staff_tokens: bool = False,
        retry_secs: tuple[float, ...] = RETRY_SECS,
        stale_secs: float = STALE_SECS,
    ) -> None:
        self.store = store
        self.redis = store.redis
        self.printer = printer
        self.base_url = base_url
        self.print_staff_tokens = print_staff_tokens
        self.retry_secs = retry_secs
        self.stale_secs = stale_secs
        self.width = profile_width(printer.profile)

    async def handle(self, event: Event) -> None:
        if not should_print(event, print_staff_tokens=self.print_staff_tokens):
            return
        token: dict[str, Any] = event.data["token"]
        if await self.redis.exists(keys.printed(event.office, token["id"])):
            return  # printed (or tried) before: a redelivery after a restart
        if not await self._wait_for_printer(event):
            log.warning("ticket %s not printed: the printer stayed down", token["id"])
            return
        claim = keys.printed(event.office, token["id"])
        if not await self.redis.set(claim, event.id, nx=True, ex=CLAIM_TTL_SECS):
            return
        image = render_ticket(await self._ticket(event.office, token), self.width)
        try:
            await self.printer.print_ticket(image, job_id=token["id"])
        except PrinterError as exc:
            # The claim stays: some of the job may have reached the paper (see module doc).
            log.error("ticket %s failed mid-job and will not be retried: %s", token["id"], exc)
            await publish_status(self.redis, event.office, PrinterStatus("offline", exc.message))
            return
        await publish_status(self.redis, event.office, PrinterStatus("ok", "printed"))

    async def _wait_for_printer(self, event: Event) -> bool:
        """Ask until the printer is ready, with backoff; False once the ticket is stale."""
        attempt = 0
        while True:
            status = await self.printer.status()
            if status.ok:
                return True
            await publish_status(self.redis, event.office, status)
            if event_age_secs(event.id) > self.stale_secs:
                return False
            await asyncio.sleep(self.retry_secs[min(attempt, len(self.retry_secs) - 1)])
            attempt += 1

    async def _ticket(self, slug: str, token: dict[str, Any]) -> TicketData:
        office = await self.store.office(slug)
        current = await self.store.raw_token(slug, token["id"]) or token
        position, eta = await self.store.position(current)
        return ticket_data(
            current,
            office,
            position=position,
            eta_minutes=eta,
            tz=self.store.tz,
            base_url=self.base_url,
        )

    async def watch(self, every_secs: float = 30.0) -> None:
        """Ask the printer now and then, so a kiosk learns it is down before a citizen does."""
        while True:
            try:
                status = await self.printer.status()
                for office in await self.store.office_slugs():
                    await publish_status(self.redis, office, status)
            except Exception:
                log.exception("printer status check failed")
            await asyncio.sleep(every_secs)


def spooler_jobs(
    settings: Settings, store: QueueStore, redis_url: str
) -> list[tuple[str, Coroutine[Any, Any, None]]]:
    """The coroutines the app's lifespan runs: the print consumer and the printer watch."""
    printer = open_printer(settings.printer(), settings.printer_profile)
    spooler = Spooler(
        store,
        printer,
        base_url=settings.base_url(),
        print_staff_tokens=settings.print_staff_tokens,
    )
    consumer = GroupConsumer(redis_url, GROUP, spooler.handle)
    return [("spooler", consumer.run()), ("printer-watch", spooler.watch())]
