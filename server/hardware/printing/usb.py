"""usb://04b8:0e15 — a USB printer by hex vendor and product id (needs pyusb and libusb)."""

from __future__ import annotations

from .base import JOB_TIMEOUT_SECS
from .device import DevicePrinter
from .escpos_import import escpos_printer


class UsbPrinter(DevicePrinter):
    """A USB printer claimed directly through libusb (the kernel's usblp driver is detached)."""

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        profile: str = "TM-T20II",
        timeout_secs: float = JOB_TIMEOUT_SECS,
    ) -> None:
        super().__init__(
            f"usb://{vendor_id:04x}:{product_id:04x}",
            profile,
            # pyusb counts its transfer timeout in milliseconds.
            lambda: escpos_printer.Usb(
                vendor_id, product_id, timeout=int(timeout_secs * 1000), profile=profile
            ),
            timeout_secs,
        )
