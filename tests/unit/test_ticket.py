"""The ticket picture: sized for the paper, growing with content, Bengali shaped."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from server.hardware.printing import TicketData, font_path, raqm_available, render_ticket
from server.hardware.printing.fonts import load_font
from server.hardware.printing.layout import wrap

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DHAKA = timezone(timedelta(hours=6))

TICKET = TicketData(
    office_name_bn="জেলা প্রশাসকের কার্যালয়, মাগুরা",
    token_display_bn="ক-০২৩",
    token_display="A-023",
    service_name_bn="ভূমি সেবা (নামজারি ও খতিয়ান)",
    counter_bn="কাউন্টার ২",
    people_ahead=5,
    eta_minutes=75,
    issued_at=datetime(2026, 11, 29, 10, 15, tzinfo=DHAKA),
    tracking_url="https://sheba.magura.gov.bd/t/8f3kQ2xZpL9vN1aRw7",
    documents_bn=(
        "জাতীয় পরিচয়পত্রের ফটোকপি",
        "জমির দলিল ও হালনাগাদ খতিয়ানের সত্যায়িত কপি",
        "পাসপোর্ট সাইজের ছবি ২ কপি",
    ),
)


def ink_rows(image: Image.Image) -> list[bool]:
    """For each row, whether any pixel in it is black."""
    grey = image.convert("L")
    width = grey.width
    data = grey.tobytes()
    return [min(data[y * width : (y + 1) * width]) < 128 for y in range(grey.height)]


def bands(rows: list[bool]) -> list[tuple[int, int]]:
    """(start, height) of each run of inked rows."""
    runs, start = [], None
    for y, inked in enumerate([*rows, False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append((start, y - start))
            start = None
    return runs


@pytest.mark.parametrize("width", [576, 384])
def test_ticket_is_exactly_the_paper_width(width: int) -> None:
    image = render_ticket(TICKET, width)
    assert image.width == width
    assert image.mode in ("1", "L")
    assert image.height > width  # a ticket is a strip, taller than wide
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / f"ticket-{'80' if width == 576 else '58'}mm.png")


@pytest.mark.parametrize("width", [576, 384])
def test_more_documents_make_a_longer_ticket(width: int) -> None:
    fewer = render_ticket(dataclasses.replace(TICKET, documents_bn=()), width)
    more = render_ticket(
        dataclasses.replace(TICKET, documents_bn=(*TICKET.documents_bn, "ট্রেড লাইসেন্স")), width
    )
    assert fewer.height < render_ticket(TICKET, width).height < more.height


@pytest.mark.parametrize("width", [576, 384])
def test_token_number_is_the_big_dark_block_near_the_top(width: int) -> None:
    image = render_ticket(TICKET, width)
    top = [b for b in bands(ink_rows(image)) if b[0] < image.height * 0.4]
    start, height = max(top, key=lambda b: b[1])
    # The number's ink is far taller than any line of body text (~40 px at 80 mm).
    assert height > 0.15 * width
    band = image.convert("L").crop((0, start, width, start + height))
    dark = sum(1 for v in band.tobytes() if v < 128)
    assert dark > 0.15 * width * height
    # ...and it spans most of the paper, so it is the number, not a narrow QR code.
    columns = ImageChops.invert(band).getbbox()
    assert columns is not None and columns[2] - columns[0] > 0.6 * width


@pytest.mark.parametrize("width", [576, 384])
def test_long_text_wraps_inside_the_margins(width: int) -> None:
    long = dataclasses.replace(
        TICKET,
        service_name_bn="উত্তরাধিকার সনদ, ওয়ারিশ সনদ ও সংশ্লিষ্ট জমির নামজারি সংক্রান্ত আবেদন",
        tracking_url="https://sheba.example/t/" + "x" * 120,
        instruction_bn="আপনার নম্বর ডাকা হলে নির্দিষ্ট কাউন্টারে যান। " * 3,
    )
    image = render_ticket(long, width).convert("L")
    margin_strips = (
        image.crop((0, 0, 6, image.height)),
        image.crop((width - 6, 0, width, image.height)),
    )
    for strip in margin_strips:
        assert strip.getextrema()[0] == 255, "ink reached the paper edge"


def test_wrap_respects_width_and_keeps_every_character() -> None:
    font = load_font(28)
    text = "জমির দলিল ও হালনাগাদ খতিয়ানের সত্যায়িত কপি " * 4 + "অতিদীর্ঘশব্দ" * 8
    lines = wrap(text, font, 300)
    assert all(font.getlength(line) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # A split inside a long word never leaves a hasanta (্) dangling at a line end.
    assert not any(line.endswith("\u09cd") for line in lines)


def test_font_is_a_real_bengali_ttf() -> None:
    for weight in ("regular", "bold"):
        path = font_path(weight)
        assert path.suffix == ".ttf" and path.stat().st_size > 50_000
    with pytest.raises(ValueError):
        font_path("italic")  # type: ignore[arg-type]


@pytest.mark.skipif(not raqm_available(), reason="Pillow has no raqm (libfribidi0 missing)")
def test_conjuncts_are_shaped() -> None:
    font = load_font(96)
    # Shaped, ক + ্ + ষ is one conjunct glyph, narrower than ক্ (with a visible hasanta)
    # set beside ষ.
    assert font.getlength("ক্ষ") < 0.9 * (font.getlength("ক্") + font.getlength("ষ"))
    basic = ImageFont.truetype(str(font_path()), 96, layout_engine=ImageFont.Layout.BASIC)

    def picture(f: ImageFont.FreeTypeFont) -> Image.Image:
        image = Image.new("L", (300, 160), 255)
        ImageDraw.Draw(image).text((10, 10), "ক্ষ", font=f, fill=0)
        return image

    # Without shaping the letters come out as separate glyphs: a different picture.
    assert ImageChops.difference(picture(font), picture(basic)).getbbox() is not None
