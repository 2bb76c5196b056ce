"""Drivers against real transports: a loopback TCP printer, a pty, a directory."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from server.hardware.printing import (
    PrinterError,
    open_printer,
    profile_width,
)

INIT = b"\x1b@"
RASTER = b"\x1dv0"
CUT_PREFIX = b"\x1dV"
PAPER_STATUS_REQUEST = b"\x10\x04\x04"


def sample_image(width: int = 576, height: int = 200) -> Image.Image:
    image = Image.new("1", (width, height), 1)
    ImageDraw.Draw(image).rectangle((20, 20, width - 20, height - 20), fill=0)
    return image


@dataclass
class FakeNetworkPrinter:
    """A raw-TCP printer on loopback: records each connection's bytes, answers DLE EOT 4."""

    status_byte: int | None = 0x12  # 0x12: paper present; None: never answers
    jobs: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    port: int = 0
    open_connections: int = 0
    most_open_connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open_connections += 1
        self.most_open_connections = max(self.most_open_connections, self.open_connections)
        received = bytearray()
        while chunk := await reader.read(65536):
            received += chunk
            if received.endswith(PAPER_STATUS_REQUEST) and self.status_byte is not None:
                writer.write(bytes([self.status_byte]))
                await writer.drain()
        self.open_connections -= 1
        writer.close()
        await writer.wait_closed()
        await self.jobs.put(bytes(received))


@pytest.fixture
async def network_printer() -> AsyncIterator[FakeNetworkPrinter]:
    fake = FakeNetworkPrinter()
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    fake.port = server.sockets[0].getsockname()[1]
    async with server:
        yield fake


def free_port() -> int:
    """A loopback port that nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_network_printer_receives_init_raster_and_cut(
    network_printer: FakeNetworkPrinter,
) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{network_printer.port}", profile="TM-T20II")
    await printer.print_ticket(sample_image(), job_id="1732870000000-0")
    data = await asyncio.wait_for(network_printer.jobs.get(), 5)
    assert data.startswith(INIT)
    assert RASTER in data
    # GS v 0 m xL xH yL yH: 576 px = 72 bytes per row, 200 rows.
    header = data[data.index(RASTER) + 3 : data.index(RASTER) + 8]
    assert header == bytes([0, 72, 0, 200, 0])
    assert data.rfind(CUT_PREFIX) > data.rfind(RASTER)
    assert data[data.rfind(CUT_PREFIX) :] in (b"\x1dV\x00", b"\x1dV\x01")


async def test_network_status_reads_the_paper_sensor(
    network_printer: FakeNetworkPrinter,
) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{network_printer.port}")
    status = await printer.status()
    assert (status.state, status.ok) == ("ok", True)
    assert await network_printer.jobs.get() == PAPER_STATUS_REQUEST

    network_printer.status_byte = 0x72  # roll end sensor: bits 5 and 6
    status = await printer.status()
    assert status.state == "paper_out"

    network_printer.status_byte = 0x1E  # near end only: still printing
    status = await printer.status()
    assert status.state == "ok" and "low" in status.message


async def test_network_status_without_an_answer_is_ok_but_says_so(
    network_printer: FakeNetworkPrinter,
) -> None:
    network_printer.status_byte = None
    status = await open_printer(f"tcp://127.0.0.1:{network_printer.port}").status()
    assert status.state == "ok" and "did not report" in status.message


async def test_nothing_listening_fails_fast_and_reads_offline() -> None:
    printer = open_printer(f"tcp://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(PrinterError) as excinfo:
        await printer.print_ticket(sample_image())
    assert time.monotonic() - started < 2
    assert printer.uri in excinfo.value.message
    status = await printer.status()
    assert status.state == "offline" and not status.ok


async def test_concurrent_jobs_on_one_printer_do_not_interleave(
    network_printer: FakeNetworkPrinter,
) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{network_printer.port}")
    images = [sample_image(height=h) for h in (100, 150, 200)]
    await asyncio.gather(*(printer.print_ticket(image) for image in images))
    jobs = [await network_printer.jobs.get() for _ in images]
    # One lock per printer: each job had the printer to itself, start to finish.
    assert network_printer.most_open_connections == 1
    assert sorted(job.count(INIT) for job in jobs) == [1, 1, 1]


async def test_capture_writes_png_and_escpos_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    printer = open_printer("capture://var/tickets")
    assert (await printer.status()).ok
    await printer.print_ticket(sample_image(), job_id="1732870000000-0")
    png = tmp_path / "var" / "tickets" / "1732870000000-0.png"
    raw = png.with_suffix(".bin").read_bytes()
    with Image.open(png) as image:
        assert image.size == (576, 200)
    assert raw.startswith(INIT) and RASTER in raw and CUT_PREFIX in raw
    assert sorted(p.name for p in png.parent.iterdir()) == [
        "1732870000000-0.bin",
        "1732870000000-0.png",
    ]
    with pytest.raises(PrinterError):
        await printer.print_ticket(sample_image(), job_id="../escape")


async def test_image_wider_than_the_profile_is_refused(tmp_path: Path) -> None:
    assert profile_width("TM-T88V") == 512
    assert profile_width("TM-T20II") == 576
    printer = open_printer(f"capture://{tmp_path}", profile="TM-T88V")
    with pytest.raises(PrinterError, match="TM-T88V"):
        await printer.print_ticket(sample_image(576))
    await printer.print_ticket(sample_image(512), job_id="fits")
    assert (tmp_path / "fits.bin").exists()


async def test_serial_printer_writes_through_a_pty() -> None:
    pytest.importorskip("serial", reason="pyserial is the optional serial dependency")
    controller, device = os.openpty()
    try:
        printer = open_printer(f"serial://{os.ttyname(device)}?baudrate=115200")
        received = bytearray()
        arrived = asyncio.Event()

        def on_readable() -> None:
            received.extend(os.read(controller, 65536))
            if CUT_PREFIX in received[-16:]:
                arrived.set()

        # Read while the job writes: a pty buffers only a few KB before the writer blocks.
        loop = asyncio.get_running_loop()
        loop.add_reader(controller, on_readable)
        try:
            await printer.print_ticket(sample_image())
            await asyncio.wait_for(arrived.wait(), 5)
        finally:
            loop.remove_reader(controller)
        assert received.startswith(INIT) and RASTER in received
    finally:
        os.close(controller)
        os.close(device)


@pytest.mark.parametrize(
    "uri",
    ["lpt://printer", "tcp://", "usb://zz:01", "usb://04b8", "serial://", "capture://"],
)
def test_bad_uris_raise_printer_error(uri: str) -> None:
    with pytest.raises(PrinterError):
        open_printer(uri)


def test_unknown_profile_is_refused_up_front() -> None:
    with pytest.raises(PrinterError, match="profile"):
        open_printer("tcp://127.0.0.1:9100", profile="NoSuchPrinter")


async def test_a_job_past_its_deadline_keeps_the_printer_until_it_really_ends() -> None:
    from server.hardware.printing.base import JobRunner

    runner = JobRunner(timeout_secs=0.2)
    release = threading.Event()
    with pytest.raises(PrinterError, match="no answer"):
        await runner.run("stuck job", lambda: release.wait(5))
    # The stuck thread still holds the printer: the next job is refused, not interleaved.
    with pytest.raises(PrinterError, match="busy"):
        await runner.run("next job", lambda: "printed")
    release.set()
    assert await runner.run("later job", lambda: "printed", timeout_secs=5) == "printed"
