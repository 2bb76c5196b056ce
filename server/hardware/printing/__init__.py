"""Token tickets on thermal paper: rendering with Pillow + raqm."""

from __future__ import annotations

from .fonts import font_path, raqm_available
from .ticket import TicketData, render_ticket

__all__ = ["TicketData", "font_path", "raqm_available", "render_ticket"]
