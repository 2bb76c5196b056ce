"""ESC/POS bytes for a ticket, made by python-escpos."""

from __future__ import annotations

from PIL import Image

from .base import PrinterError
from .escpos_import import EscposError, capabilities, escpos_printer

__all__ = ["PAPER_STATUS_REQUEST", "profile_width", "ticket_commands"]

# DLE EOT 4: real-time "paper roll sensor status", answered even mid-job by Epson-compatibles.
PAPER_STATUS_REQUEST = b"\x10\x04\x04"


def profile_width(profile: str) -> int:
    """Printable width in dots of an escpos printer profile (TM-T20II 576, TM-T88V 512)."""
    try:
        media = capabilities.get_profile(profile).profile_data["media"]
    except KeyError:
        raise PrinterError(f"unknown printer profile {profile!r}") from None
    pixels = media.get("width", {}).get("pixels")
    if not isinstance(pixels, int):
        raise PrinterError(f"printer profile {profile!r} does not state its width in dots")
    return pixels


def ticket_commands(image: Image.Image, profile: str) -> bytes:
    """Initialise, the image as a GS v 0 raster, feed and cut: one job, ready to send."""
    dummy = escpos_printer.Dummy(profile=profile)
    try:
        dummy.hw("INIT")
        dummy.image(image, impl="bitImageRaster", center=False)
        dummy.cut()
    except EscposError as exc:  # e.g. ImageWidthError: the image is wider than the profile
        raise PrinterError(f"cannot print on {profile}: {exc}") from exc
    return dummy.output
