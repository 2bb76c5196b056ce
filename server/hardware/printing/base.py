"""The printer seam: one protocol, one status type, one error, and the job runner they share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar, runtime_checkable

from PIL import Image

T = TypeVar("T")

StatusState = Literal["ok", "paper_out", "offline"]

# A raster ticket is ~50-90 KB: on a LAN or USB it is sent in well under a second, so
# waiting longer only keeps a citizen standing at a kiosk whose printer is gone.
JOB_TIMEOUT_SECS = 5.0
# How long status() waits for the printer's one-byte answer before calling it unknown.
STATUS_REPLY_TIMEOUT_SECS = 1.0


class PrinterError(Exception):
    """The printer could not be reached or refused the job; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said, or why it could not be asked."""

    state: StatusState
    message: str

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@runtime_checkable
class Printer(Protocol):
    """A ticket printer; each job opens and closes its own connection."""

    uri: str
    profile: str  # escpos profile: render tickets at profile_width(profile)

    async def print_ticket(self, image: Image.Image, job_id: str | None = None) -> None:
        """Print `image` (from render_ticket, at most profile_width() wide) and cut."""
        ...

    async def status(self) -> PrinterStatus:
        """Ask the printer whether it can print now."""
        ...


class JobRunner:
    """Runs blocking printer IO in a thread, one job at a time, within a deadline.

    The lock is released when the thread really ends, not when the caller gives up
    waiting, so a job that outlives its deadline never overlaps the next one on the wire.
    """

    def __init__(self, timeout_secs: float = JOB_TIMEOUT_SECS) -> None:
        self.timeout_secs = timeout_secs
        self._lock = asyncio.Lock()

    async def run(self, what: str, fn: Callable[[], T], timeout_secs: float | None = None) -> T:
        """`fn()` in a thread; PrinterError if it fails with OSError or takes too long."""
        deadline = timeout_secs or self.timeout_secs
        try:
            async with asyncio.timeout(deadline):
                await self._lock.acquire()
        except TimeoutError:
            raise PrinterError(f"{what}: the printer is still busy with an earlier job") from None
        job = asyncio.ensure_future(asyncio.to_thread(fn))
        job.add_done_callback(self._finished)
        try:
            async with asyncio.timeout(deadline):
                return await asyncio.shield(job)
        except TimeoutError:
            raise PrinterError(f"{what}: no answer within {deadline:g} s") from None
        except OSError as exc:
            raise PrinterError(f"{what}: {exc}") from exc

    def _finished(self, job: asyncio.Future[object]) -> None:
        self._lock.release()
        if not job.cancelled():
            job.exception()  # retrieved here so an abandoned job's error is not logged as lost


def paper_status(reply: bytes) -> PrinterStatus:
    """Interpret the answer to DLE EOT 4 (paper roll sensor)."""
    if not reply:
        return PrinterStatus("ok", "connected; the printer did not report its paper sensor")
    byte = reply[0]
    # Bits 1 and 4 are always 1 and bits 0 and 7 always 0 in a genuine status byte.
    if byte & 0b1001_0011 != 0b0001_0010:
        return PrinterStatus("ok", f"connected; unexpected status byte 0x{byte:02x}")
    if byte & 0b0110_0000:  # bits 5-6: roll end sensor
        return PrinterStatus("paper_out", "the printer is out of paper")
    if byte & 0b0000_1100:  # bits 2-3: roll near-end sensor
        return PrinterStatus("ok", "paper is running low")
    return PrinterStatus("ok", "ready")
