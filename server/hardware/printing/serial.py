"""serial:///dev/ttyS0?baudrate=9600 — an RS-232 printer (needs pyserial)."""

from __future__ import annotations

from .base import JOB_TIMEOUT_SECS, STATUS_REPLY_TIMEOUT_SECS
from .device import Device, DevicePrinter
from .escpos_import import escpos_printer

DEFAULT_BAUDRATE = 9600
# 8N1 framing: each byte costs ten bit times on the wire.
BITS_PER_BYTE = 10


class SerialPrinter(DevicePrinter):
    """A printer on a serial port: an 85 KB raster ticket takes ~90 s at 9600 baud, ~7 s at
    115200, so set the printer (and the URI) to the fastest rate it supports."""

    def __init__(
        self,
        devfile: str,
        baudrate: int = DEFAULT_BAUDRATE,
        profile: str = "TM-T20II",
        timeout_secs: float = JOB_TIMEOUT_SECS,
    ) -> None:
        self.baudrate = baudrate
        super().__init__(
            f"serial://{devfile}?baudrate={baudrate}",
            profile,
            # `timeout` is pyserial's read timeout: it bounds the status reply only.
            # dsrdtr=False: RTS/CTS is what cheap printers and USB adapters wire up.
            lambda: escpos_printer.Serial(
                devfile,
                baudrate=baudrate,
                timeout=STATUS_REPLY_TIMEOUT_SECS,
                dsrdtr=False,
                profile=profile,
            ),
            timeout_secs,
        )

    def _job_timeout_secs(self, data: bytes) -> float:
        # The deadline covers the time the bytes need on the wire, with 50 % slack.
        return self._runner.timeout_secs + 1.5 * len(data) * BITS_PER_BYTE / self.baudrate

    def _after_send(self, device: Device) -> None:
        device.device.flush()  # pyserial: block until the output buffer has drained
