"""Pick the driver from the printer URI's scheme."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .base import Printer, PrinterError
from .capture import CapturePrinter
from .commands import profile_width
from .file import FilePrinter
from .network import DEFAULT_PORT, NetworkPrinter
from .serial import DEFAULT_BAUDRATE, SerialPrinter
from .usb import UsbPrinter

DEFAULT_PROFILE = "TM-T20II"
SCHEMES = ("tcp", "usb", "serial", "file", "capture")


def open_printer(uri: str, profile: str = DEFAULT_PROFILE) -> Printer:
    """A printer for `uri`; nothing is connected until a job or status() needs it.

    `tcp://host[:9100]`, `usb://VVVV:PPPP` (hex ids), `serial:///dev/ttyS0?baudrate=9600`,
    `file:///dev/usb/lp0`, `capture://DIR` (relative to the current directory).
    Raises PrinterError for an unknown scheme, a malformed URI or an unknown profile.
    """
    profile_width(profile)  # fail now, not at the first citizen's ticket
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    try:
        if scheme == "tcp":
            if not parts.hostname:
                raise ValueError("no host")
            return NetworkPrinter(parts.hostname, parts.port or DEFAULT_PORT, profile)
        if scheme == "usb":
            vendor, product = parts.netloc.split(":")
            return UsbPrinter(int(vendor, 16), int(product, 16), profile)
        if scheme == "serial":
            query = parse_qs(parts.query)
            baudrate = int(query.get("baudrate", [DEFAULT_BAUDRATE])[0])
            if not parts.path:
                raise ValueError("no device path")
            return SerialPrinter(parts.path, baudrate, profile)
        if scheme == "file":
            if not parts.path:
                raise ValueError("no file path")
            return FilePrinter(parts.path, profile)
        if scheme == "capture":
            # capture://tickets and capture://./var/t are relative; capture:///srv/t absolute.
            directory = parts.netloc + parts.path
            if not directory:
                raise ValueError("no directory")
            return CapturePrinter(directory, profile)
    except ValueError as exc:
        raise PrinterError(f"bad printer URI {uri!r}: {exc}") from None
    raise PrinterError(f"unknown printer URI scheme in {uri!r}; use one of {', '.join(SCHEMES)}")
