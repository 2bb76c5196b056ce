"""tcp://host:9100 — a raw-socket (JetDirect) network printer."""

from __future__ import annotations

import socket

from .base import JOB_TIMEOUT_SECS, STATUS_REPLY_TIMEOUT_SECS
from .device import Device, DevicePrinter
from .escpos_import import escpos_printer

DEFAULT_PORT = 9100
# After our FIN, wait this long for the printer to close too: that proves it read every
# byte. Printers that keep the socket open are not wrong, just not waited for longer.
DRAIN_SECS = 0.5


class NetworkPrinter(DevicePrinter):
    """An Ethernet/Wi-Fi ticket printer on a raw TCP port."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        profile: str = "TM-T20II",
        timeout_secs: float = JOB_TIMEOUT_SECS,
    ) -> None:
        super().__init__(
            f"tcp://{host}:{port}",
            profile,
            # escpos applies the socket timeout to connect, send and receive alike.
            lambda: escpos_printer.Network(host, port, timeout=timeout_secs, profile=profile),
            timeout_secs,
        )

    def _after_send(self, device: Device) -> None:
        # Closing a socket with unread input (printers may push status bytes) resets it
        # and can drop unsent data; half-close and drain first so the ticket gets through.
        sock: socket.socket = device.device
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(DRAIN_SECS)
        try:
            while sock.recv(1024):
                pass
        except (TimeoutError, ConnectionError):
            pass

    def _before_query(self, device: Device) -> None:
        device.device.settimeout(STATUS_REPLY_TIMEOUT_SECS)
