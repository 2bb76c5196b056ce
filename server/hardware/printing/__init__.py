"""Token tickets on thermal paper: rendering (Pillow + raqm) and ESC/POS drivers (python-escpos).

printer = open_printer("tcp://192.168.0.50:9100", profile="TM-T20II")
image = render_ticket(data, profile_width(printer.profile))
await printer.print_ticket(image, job_id=event_id)
"""

from __future__ import annotations

from .base import Printer, PrinterError, PrinterStatus
from .commands import profile_width, ticket_commands
from .fonts import font_path, raqm_available
from .ticket import TicketData, render_ticket
from .uri import open_printer

__all__ = [
    "Printer",
    "PrinterError",
    "PrinterStatus",
    "TicketData",
    "font_path",
    "open_printer",
    "profile_width",
    "raqm_available",
    "render_ticket",
    "ticket_commands",
]
