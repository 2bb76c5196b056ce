"""A printer reached through one python-escpos transport, opened and closed per job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from .base import (
    JOB_TIMEOUT_SECS,
    JobRunner,
    PrinterError,
    PrinterStatus,
    paper_status,
)
from .commands import PAPER_STATUS_REQUEST, ticket_commands
from .escpos_import import EscposError

# An escpos printer object (Network, Usb, Serial, File): escpos has no public base type hints.
Device = Any


class DevicePrinter:
    """Sends escpos-made ticket bytes through a transport that `connect` builds unopened.

    Subclasses adjust what happens around the write; everything blocking runs in the
    runner's thread, and the device is closed before the job counts as done.
    """

    def __init__(
        self,
        uri: str,
        profile: str,
        connect: Callable[[], Device],
        timeout_secs: float = JOB_TIMEOUT_SECS,
    ) -> None:
        self.uri = uri
        self.profile = profile
        self._connect = connect
        self._runner = JobRunner(timeout_secs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.uri!r}, profile={self.profile!r})"

    async def print_ticket(self, image: Image.Image, job_id: str | None = None) -> None:
        """Print `image` and cut; raises PrinterError when the printer cannot take it."""
        data = ticket_commands(image, self.profile)
        await self._runner.run(
            f"printing on {self.uri}", lambda: self._send(data), self._job_timeout_secs(data)
        )

    async def status(self) -> PrinterStatus:
        """Paper state from the printer, or offline when it cannot be opened."""
        try:
            return await self._runner.run(f"asking {self.uri}", self._query)
        except PrinterError as exc:
            return PrinterStatus("offline", exc.message)

    def _open(self) -> Device:
        device = self._connect()
        try:
            device.open()
        except (EscposError, OSError, ValueError) as exc:  # pyusb without libusb: ValueError
            # escpos folds the OS error into its message; keep it, it says what went wrong.
            raise PrinterError(f"cannot open {self.uri}: {exc}") from exc
        return device

    def _send(self, data: bytes) -> None:
        device = self._open()
        try:
            device._raw(data)
            self._after_send(device)
        finally:
            device.close()

    def _query(self) -> PrinterStatus:
        device = self._open()
        try:
            self._before_query(device)
            device._raw(PAPER_STATUS_REQUEST)
            try:
                reply = bytes(device._read())
            except (TimeoutError, NotImplementedError):
                reply = b""
            return paper_status(reply)
        finally:
            device.close()

    def _job_timeout_secs(self, data: bytes) -> float | None:
        """Hook: a slow link needs longer than the default deadline (None keeps it)."""
        return None

    def _after_send(self, device: Device) -> None:
        """Hook: make sure the bytes left the host before the device is closed."""

    def _before_query(self, device: Device) -> None:
        """Hook: bound how long the status reply may take."""
