"""The one phone normaliser: Bangladeshi mobiles in, E.164 out."""

from __future__ import annotations

import re

from server.bengali import to_latin_digits
from server.errors import ShebaError

# Operators' prefixes are 013-019; the subscriber part is 8 digits.
_NATIONAL = re.compile(r"01[3-9]\d{8}")
_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_phone(raw: object) -> str:
    """`০১৭১২-৩৪৫৬৭৮`, `+880 1712 345678`, `8801712345678` → `+8801712345678`."""
    if not isinstance(raw, str) or not raw.strip():
        raise ShebaError("invalid_phone", field="phone")
    digits = _SEPARATORS.sub("", to_latin_digits(raw.strip()))
    if digits.startswith("+880"):
        digits = "0" + digits[4:]
    elif digits.startswith("880"):
        digits = "0" + digits[3:]
    if not _NATIONAL.fullmatch(digits):
        raise ShebaError("invalid_phone", field="phone")
    return "+88" + digits


def mask_phone(e164: str) -> str:
    """`+8801712345678` → `017••••5678`: enough to recognise, too little to misuse."""
    national = e164.removeprefix("+88")
    return f"{national[:3]}••••{national[-4:]}"
