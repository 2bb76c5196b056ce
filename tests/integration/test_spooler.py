"""The spooler against real Redis and real printer transports: once, never twice, and back."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from PIL import Image
from redis.asyncio import Redis

from server.hardware.printing import Printer, PrinterStatus, open_printer
from server.hardware.spooler import Spooler
from server.queue import keys
from server.queue.office import Office
from server.queue.store import Actor, QueueStore
from server.realtime.groups import GroupConsumer
from tests.conftest import office_config
from tests.integration.test_printers import RASTER, FakeNetworkPrinter, free_port

FAST_RETRY = (0.05, 0.1, 0.2)


class CountingPrinter:
    """Any printer, counting the jobs it was given per job id."""

    def __init__(self, inner: Printer) -> None:
        self.inner = inner
        self.uri = inner.uri
        self.profile = inner.profile
        self.jobs: dict[str, int] = {}
        self.printed = asyncio.Event()

    async def print_ticket(self, image: Image.Image, job_id: str | None = None) -> None:
        await self.inner.print_ticket(image, job_id)
        self.jobs[job_id or ""] = self.jobs.get(job_id or "", 0) + 1
        self.printed.set()

    async def status(self) -> PrinterStatus:
        return await self.inner.status()


async def setup_office(redis: Redis) -> tuple[QueueStore, Office]:
    store = QueueStore(redis)
    office = office_config(phone_daily_limit=0, hours_enforced=False)
    await store.install_office(office)
    return store, office


def actor(office: Office, role: str) -> Actor:
    return Actor("apikey", "1", role, office.slug, f"{role} device")


@asynccontextmanager
async def running(redis_url: str, spooler: Spooler, group: str) -> AsyncIterator[GroupConsumer]:
    consumer = GroupConsumer(redis_url, group, spooler.handle)
    task = asyncio.create_task(consumer.run())
    try:
        yield consumer
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def has_states(redis: Redis, office: str, count: int) -> bool:
    return len(await printer_events(redis, office)) >= count


@pytest.fixture
async def network_printer() -> AsyncIterator[FakeNetworkPrinter]:
    fake = FakeNetworkPrinter()
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    fake.port = server.sockets[0].getsockname()[1]
    async with server:
        yield fake


async def eventually(check: Callable[[], Awaitable[bool]], secs: float = 10.0) -> None:
    for _ in range(int(secs / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def printer_events(redis: Redis, office: str) -> list[dict[str, str]]:
    """The `printer.status` events of the office's stream, oldest first."""
    entries = await redis.xrange(keys.events(office))
    return [json.loads(f["data"]) for _, f in entries if f["type"] == "printer.status"]


async def test_kiosk_token_prints_once_into_the_capture_dir_and_never_twice(
    redis: Redis, redis_url: str, tmp_path: Path
) -> None:
    store, office = await setup_office(redis)
    printer = CountingPrinter(open_printer(f"capture://{tmp_path}/tickets"))
    spooler = Spooler(store, printer, base_url="http://kiosk.test", retry_secs=FAST_RETRY)
    group = "spooler-" + secrets.token_hex(3)

    staff = await store.issue(office.slug, "A", "+8801712345678", actor=actor(office, "counter"))
    kiosk = await store.issue(office.slug, "B", "+8801812345678", actor=actor(office, "kiosk"))
    staff_id, kiosk_id = staff.data["token"]["id"], kiosk.data["token"]["id"]
    async with running(redis_url, spooler, group) as consumer:
        await consumer.processed(office.slug, kiosk.event_id or "")
    assert printer.jobs == {kiosk_id: 1}
    assert (tmp_path / "tickets" / f"{kiosk_id}.png").stat().st_size > 1000
    assert RASTER in (tmp_path / "tickets" / f"{kiosk_id}.bin").read_bytes()
    assert not (tmp_path / "tickets" / f"{staff_id}.png").exists()

    # A restart that sees every event again (the group recreated from the start) prints nothing.
    await redis.xgroup_destroy(keys.events(office.slug), group)
    async with running(redis_url, spooler, group) as consumer:
        await consumer.processed(office.slug, kiosk.event_id or "")
    # Delivering the same event by hand, as a crashed consumer's claim would, prints nothing.
    entries = await redis.xrange(keys.events(office.slug), kiosk.event_id, kiosk.event_id)
    from server.realtime.envelope import Event

    await spooler.handle(Event.from_entry(office.slug, *entries[0]))
    assert printer.jobs == {kiosk_id: 1}


async def test_network_printer_receives_the_ticket_as_escpos(
    redis: Redis, redis_url: str, network_printer: FakeNetworkPrinter
) -> None:
    store, office = await setup_office(redis)
    printer = open_printer(f"tcp://127.0.0.1:{network_printer.port}")
    spooler = Spooler(store, printer, base_url="http://kiosk.test", retry_secs=FAST_RETRY)
    result = await store.issue(office.slug, "A", "01712345678", actor=actor(office, "kiosk"))
    async with running(redis_url, spooler, "spooler-" + secrets.token_hex(3)) as consumer:
        await consumer.processed(office.slug, result.event_id or "")
    jobs = []
    while not network_printer.jobs.empty():
        jobs.append(network_printer.jobs.get_nowait())
    tickets = [job for job in jobs if RASTER in job]
    assert len(tickets) == 1
    assert tickets[0].startswith(b"\x1b@") and len(tickets[0]) > 10_000


async def test_refusing_printer_is_retried_reported_offline_then_prints_once_and_ok(
    redis: Redis, redis_url: str
) -> None:
    store, office = await setup_office(redis)
    port = free_port()
    printer = CountingPrinter(open_printer(f"tcp://127.0.0.1:{port}"))
    spooler = Spooler(store, printer, base_url="http://kiosk.test", retry_secs=FAST_RETRY)
    result = await store.issue(office.slug, "A", "01712345678", actor=actor(office, "kiosk"))
    token_id = result.data["token"]["id"]
    fake = FakeNetworkPrinter()
    async with running(redis_url, spooler, "spooler-" + secrets.token_hex(3)):
        # Nothing listens: the kiosk learns the printer is offline.
        await eventually(lambda: printer_events(redis, office.slug))
        assert (await printer_events(redis, office.slug))[0]["state"] == "offline"
        state = await redis.hgetall(keys.printer(office.slug))
        assert state["state"] == "offline" and state["message"]
        await asyncio.sleep(0.3)  # a few more refused attempts
        assert printer.jobs == {}

        server = await asyncio.start_server(fake.handle, "127.0.0.1", port)
        async with server:
            await asyncio.wait_for(printer.printed.wait(), 10)
            await eventually(lambda: asyncio.sleep(0, not fake.jobs.empty()))
            await eventually(lambda: has_states(redis, office.slug, 2))
    assert printer.jobs == {token_id: 1}
    states = [e["state"] for e in await printer_events(redis, office.slug)]
    assert states == ["offline", "ok"]
    assert (await redis.hgetall(keys.printer(office.slug)))["state"] == "ok"


async def test_paper_out_is_reported_and_the_ticket_waits_for_paper(
    redis: Redis, redis_url: str, network_printer: FakeNetworkPrinter
) -> None:
    store, office = await setup_office(redis)
    network_printer.status_byte = 0x72  # roll end sensor: no paper
    printer = CountingPrinter(open_printer(f"tcp://127.0.0.1:{network_printer.port}"))
    spooler = Spooler(store, printer, base_url="http://kiosk.test", retry_secs=FAST_RETRY)
    await store.issue(office.slug, "A", "01712345678", actor=actor(office, "kiosk"))
    async with running(redis_url, spooler, "spooler-" + secrets.token_hex(3)):
        await eventually(lambda: printer_events(redis, office.slug))
        assert (await printer_events(redis, office.slug))[0]["state"] == "paper_out"
        assert printer.jobs == {}
        network_printer.status_byte = 0x12  # paper loaded
        await asyncio.wait_for(printer.printed.wait(), 10)
        await eventually(lambda: has_states(redis, office.slug, 2))
    assert sum(printer.jobs.values()) == 1
    assert [e["state"] for e in await printer_events(redis, office.slug)] == ["paper_out", "ok"]


def test_sheba_printer_test_prints_a_sample_ticket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from server.cli import main

    assert main(["printer", "test", f"capture://{tmp_path}/sample"]) == 0
    assert "sample ticket sent" in capsys.readouterr().out
    assert len(list((tmp_path / "sample").glob("*.bin"))) == 1
    assert main(["printer", "test", f"tcp://127.0.0.1:{free_port()}"]) == 1
