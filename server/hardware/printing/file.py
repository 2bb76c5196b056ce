"""file:///dev/usb/lp0 — a device file the kernel's printer driver provides."""

from __future__ import annotations

import os

from .base import JOB_TIMEOUT_SECS, PrinterStatus
from .device import DevicePrinter
from .escpos_import import escpos_printer


class FilePrinter(DevicePrinter):
    """A printer written through a device file; the file gives no way to read status back."""

    def __init__(
        self, path: str, profile: str = "TM-T20II", timeout_secs: float = JOB_TIMEOUT_SECS
    ) -> None:
        self.path = path
        super().__init__(
            f"file://{path}",
            profile,
            lambda: escpos_printer.File(path, profile=profile),
            timeout_secs,
        )

    async def status(self) -> PrinterStatus:
        """Writable device file → ok; status is not asked, since opening truncates a plain file."""
        if os.access(self.path, os.W_OK):
            return PrinterStatus("ok", f"{self.path} is writable (no paper sensor over a file)")
        return PrinterStatus("offline", f"{self.path} is missing or not writable")
