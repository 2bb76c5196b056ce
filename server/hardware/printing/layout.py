"""A top-to-bottom column of blocks measured first and painted second, so height fits content."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

Painter = Callable[[ImageDraw.ImageDraw, Image.Image, int], None]
Align = str  # "left" | "center"

_HASANTA = "\u09cd"  # ্ joins the next consonant: never break a line right after it


def line_height(font: ImageFont.FreeTypeFont) -> int:
    """Ascent plus descent: Bengali vowel signs reach well above and below the baseline."""
    ascent, descent = font.getmetrics()
    return ascent + descent


def _break_points(word: str) -> list[int]:
    """Indices where `word` may be split without tearing a conjunct or a vowel sign."""
    points = []
    for i in range(1, len(word)):
        if word[i - 1] == _HASANTA or unicodedata.category(word[i]).startswith("M"):
            continue
        if word[i] in "\u200c\u200d":  # ZWNJ/ZWJ shape with their neighbours
            continue
        points.append(i)
    return points


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces, start, previous = [], 0, 0
    for point in [*_break_points(word), len(word)]:
        if font.getlength(word[start:point]) > width and previous > start:
            pieces.append(word[start:previous])
            start = previous
        previous = point
    pieces.append(word[start:])
    return pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by the font's shaped advance; words wider than `width` are split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            if font.getlength(word) <= width:
                line = word
            else:
                *full, line = _split_long_word(word, font, width)
                lines.extend(full)
        lines.append(line)
    return lines


@dataclass
class Column:
    """Blocks stacked downward inside `width` px with `margin` px on each side."""

    width: int
    margin: int
    blocks: list[tuple[int, Painter]] = field(default_factory=list)

    @property
    def inner(self) -> int:
        return self.width - 2 * self.margin

    @property
    def height(self) -> int:
        return sum(h for h, _ in self.blocks)

    def space(self, px: int) -> None:
        self.blocks.append((px, lambda draw, image, y: None))

    def text(
        self,
        text: str,
        font: ImageFont.FreeTypeFont,
        align: Align = "center",
        indent: int = 0,
        first_prefix: str = "",
    ) -> None:
        """Wrapped text; `first_prefix` (e.g. a bullet) hangs left of an `indent`ed block."""
        left = self.margin + indent
        for n, line in enumerate(wrap(text, font, self.inner - indent)):
            prefix = first_prefix if n == 0 else ""
            self.blocks.append(
                (
                    line_height(font),
                    _text_painter(line, font, align, left, self.inner - indent, prefix, indent),
                )
            )

    def rule(self, thickness: int = 2, pad: int = 10) -> None:
        def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
            top = y + pad
            draw.rectangle(
                (self.margin, top, self.width - self.margin - 1, top + thickness - 1), fill=0
            )

        self.blocks.append((thickness + 2 * pad, paint))

    def picture(self, picture: Image.Image) -> None:
        def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
            image.paste(picture, ((self.width - picture.width) // 2, y))

        self.blocks.append((picture.height, paint))

    def custom(self, height: int, painter: Painter) -> None:
        self.blocks.append((height, painter))

    def paint(self, bottom_margin: int = 0) -> Image.Image:
        """The column as a greyscale image, white paper and black ink."""
        image = Image.new("L", (self.width, self.height + bottom_margin), 255)
        draw = ImageDraw.Draw(image)
        y = 0
        for height, painter in self.blocks:
            painter(draw, image, y)
            y += height
        return image


def _text_painter(
    line: str,
    font: ImageFont.FreeTypeFont,
    align: Align,
    left: int,
    width: int,
    prefix: str,
    indent: int,
) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
        x = left
        if align == "center":
            x = left + (width - round(font.getlength(line))) // 2
        # Anchor at the ascender so every line of one font sits on the same grid.
        draw.text((x, y), line, font=font, fill=0, anchor="la")
        if prefix:
            draw.text((left - indent, y), prefix, font=font, fill=0, anchor="la")

    return paint
