"""The Bengali face used on tickets (and served to browsers as a web font)."""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from PIL import ImageFont, features

Weight = Literal["regular", "bold"]

log = logging.getLogger(__name__)

# Hind Siliguri comes with the project (a pip dependency), so every machine prints the same
# ticket; it also has Latin letters, which Noto Sans Bengali lacks (A-023 printed as boxes).
_HIND_FILES = {"regular": "HindSiliguri-Regular.ttf", "bold": "HindSiliguri-Bold.ttf"}
# Debian's fonts-noto-core: the fallback should the package's files be missing.
NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
_NOTO_FILES = {"regular": "NotoSansBengali-Regular.ttf", "bold": "NotoSansBengali-Bold.ttf"}


def raqm_available() -> bool:
    """Whether Pillow can shape complex scripts (needs libfribidi on the host).

    Without it Bengali conjuncts print as broken letter sequences: check at start-up.
    """
    return bool(features.check("raqm"))


@cache
def font_path(weight: Weight = "regular") -> Path:
    """The TTF for `weight`: Hind Siliguri from its package, else system Noto Sans Bengali."""
    if weight not in _HIND_FILES:
        raise ValueError(f"unknown font weight {weight!r}")
    hind = Path(str(files("fontpkg_hind_siliguri") / "files" / _HIND_FILES[weight]))
    if hind.is_file():
        return hind
    noto = NOTO_DIR / _NOTO_FILES[weight]
    if not noto.is_file():
        raise FileNotFoundError(f"no Bengali font found (looked for {hind} and {noto})")
    return noto


@cache
def load_font(size: int, weight: Weight = "regular") -> ImageFont.FreeTypeFont:
    """A shaped (raqm) font of `size` px; cached because tickets reuse a handful of sizes."""
    return ImageFont.truetype(str(font_path(weight)), size, layout_engine=_layout_engine())


@cache
def _layout_engine() -> ImageFont.Layout:
    if raqm_available():
        return ImageFont.Layout.RAQM
    # Asking Pillow for RAQM without it only warns; pick BASIC ourselves and say why, once.
    log.warning("Pillow has no raqm (install libfribidi0): Bengali will print unshaped")
    return ImageFont.Layout.BASIC
