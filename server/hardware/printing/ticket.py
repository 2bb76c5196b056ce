"""A token ticket as a black-and-white picture: ESC/POS cannot print Bengali text, only images."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from server.bengali import bn_date, bn_time, to_bn_digits

from .fonts import Weight, load_font
from .layout import Column, line_height

DEFAULT_INSTRUCTION_BN = "আপনার নম্বর ডাকা হলে নির্দিষ্ট কাউন্টারে যান।"

# Sizes are designed for 80 mm paper (576 px at 203 dpi) and scaled for narrower rolls.
DESIGN_WIDTH_PX = 576
# Below this Bengali vowel signs smudge on a thermal head, whatever the paper width.
MIN_TEXT_PX = 20
# Grey lighter than this becomes paper. A fixed threshold keeps edges crisp where Pillow's
# default dithering would speckle them; set high so the hairlines of small Bengali text
# (ত্র, ক্ষ) stay unbroken on the thermal head.
INK_THRESHOLD = 200
# About 22 mm at 203 dpi: phone cameras lock on quickly from arm's length.
MIN_QR_PX = 180


@dataclass(frozen=True)
class TicketData:
    """What a citizen's token ticket says; all Bengali strings are printed as given."""

    office_name_bn: str
    token_display_bn: str  # "ক-০২৩"
    token_display: str  # "A-023"
    service_name_bn: str
    counter_bn: str | None  # "কাউন্টার ২", or None while no counter is assigned
    people_ahead: int
    eta_minutes: int
    issued_at: datetime  # aware; printed in its own offset, so pass the office's zone
    tracking_url: str
    documents_bn: tuple[str, ...] = ()
    instruction_bn: str = DEFAULT_INSTRUCTION_BN


def render_ticket(data: TicketData, width_px: int) -> Image.Image:
    """The ticket as a mode "1" image exactly `width_px` wide; its height follows the content."""
    scale = width_px / DESIGN_WIDTH_PX

    def font(size: int, weight: Weight = "regular") -> ImageFont.FreeTypeFont:
        return load_font(max(MIN_TEXT_PX, round(size * scale)), weight)

    col = Column(width=width_px, margin=max(8, round(16 * scale)))
    col.space(round(12 * scale))
    col.text(data.office_name_bn, font(32, "bold"))
    col.rule(thickness=2, pad=round(8 * scale))

    col.text("আপনার টোকেন নম্বর", font(26))
    col.space(round(6 * scale))
    _token_number(col, data.token_display_bn, round(160 * scale))
    col.text(data.token_display, font(28))
    col.space(round(6 * scale))
    col.text(data.service_name_bn, font(38, "bold"))
    if data.counter_bn:
        col.space(round(10 * scale))
        _inverted_label(col, data.counter_bn, font(40, "bold"))
    col.space(round(10 * scale))
    col.text(_people_ahead_bn(data.people_ahead), font(30))
    col.text(f"আনুমানিক অপেক্ষা: {_duration_bn(data.eta_minutes)}", font(30, "bold"))
    col.space(round(6 * scale))
    col.text(f"{bn_date(data.issued_at.date())} · {bn_time(data.issued_at)}", font(24))

    if data.documents_bn:
        col.rule(thickness=2, pad=round(10 * scale))
        col.text("সঙ্গে আনুন:", font(28, "bold"), align="left")
        body = font(26)
        bullet_indent = round(body.getlength("•  "))
        for document in data.documents_bn:
            col.text(document, body, align="left", indent=bullet_indent, first_prefix="•")

    col.rule(thickness=2, pad=round(10 * scale))
    col.text(data.instruction_bn, font(26))
    col.space(round(14 * scale))
    col.picture(_qr(data.tracking_url, max(MIN_QR_PX, round(240 * scale))))
    col.space(round(6 * scale))
    col.text("স্ক্যান করে আপনার অবস্থান দেখুন", font(22))
    return _to_ink(col.paint(bottom_margin=round(16 * scale)))


def _people_ahead_bn(people: int) -> str:
    if people <= 0:
        return "আপনার আগে কেউ নেই"
    return f"আপনার আগে {to_bn_digits(people)} জন"


def _duration_bn(minutes: int) -> str:
    """`১ ঘণ্টা ১০ মিনিট`: waits past an hour read better split than as ৭০ মিনিট."""
    if minutes < 1:
        return "এক মিনিটেরও কম"
    hours, rest = divmod(minutes, 60)
    parts = [f"{to_bn_digits(hours)} ঘণ্টা"] if hours else []
    if rest:
        parts.append(f"{to_bn_digits(rest)} মিনিট")
    return " ".join(parts)


def _token_number(col: Column, text: str, size: int) -> None:
    """The number as large as fits: it is what the citizen compares with the hall display."""
    font = load_font(size, "bold")
    while font.getlength(text) > col.inner and size > MIN_TEXT_PX:
        size = int(size * 0.9)
        font = load_font(size, "bold")
    # Crop to the ink, not the font's line box: the huge ascent would waste paper.
    left, top, right, bottom = font.getbbox(text, anchor="ls")

    def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
        x = (col.width - (right - left)) // 2 - left
        draw.text((x, y - top), text, font=font, fill=0, anchor="ls")

    col.custom(bottom - top + size // 20, paint)


def _inverted_label(col: Column, text: str, font: ImageFont.FreeTypeFont) -> None:
    """White on black, so the counter to walk to stands out from everything else."""
    pad_x, pad_y = font.size // 2, font.size // 6
    text_w = round(font.getlength(text))
    box_w = min(col.inner, text_w + 2 * pad_x)
    box_h = line_height(font) + 2 * pad_y

    def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
        left = (col.width - box_w) // 2
        draw.rounded_rectangle((left, y, left + box_w - 1, y + box_h - 1), radius=pad_y * 2, fill=0)
        draw.text(((col.width - text_w) // 2, y + pad_y), text, font=font, fill=255, anchor="la")

    col.custom(box_h, paint)


def _qr(url: str, target_px: int) -> Image.Image:
    """A QR code of about `target_px`, in whole pixels per module so every edge stays sharp."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    modules = code.modules_count + 2 * code.border
    code.box_size = max(2, target_px // modules)
    return code.make_image().get_image().convert("L")


def _to_ink(image: Image.Image) -> Image.Image:
    return image.point(lambda v: 255 if v > INK_THRESHOLD else 0, mode="1")
