"""How many SMS parts a text costs, and how to cut it without breaking a Bengali letter.

GSM-7 texts take 160 septets alone or 153 per part of a concatenated message (the user data
header eats 7); characters of the GSM 03.38 extension table cost two septets (escape + char).
Anything else goes as UCS-2: 70 UTF-16 code units alone, 67 per part.

Parts are cut only between grapheme clusters, so a conjunct such as ক্ষ or স্ত্রী, or a
consonant with its vowel sign, never straddles two parts (a phone would show a dotted circle
or a broken conjunct). Because of that, `count_parts` can be one more than a gateway's naive
ceil(units / per_part): it is the count for the parts we would cut, never less than a
gateway's, so it is safe for budgeting.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Encoding = Literal["gsm7", "ucs2"]

# GSM 03.38 basic character set (0x1B, the escape, is not a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_PER_PART = 153
UCS2_SINGLE = 70
UCS2_PER_PART = 67

_ZWNJ = "\u200c"
_ZWJ = "\u200d"
_VIRAMA = "\u09cd"


def _is_bengali_mark(char: str) -> bool:
    code = ord(char)
    return (
        0x0981 <= code <= 0x0983  # chandrabindu, anusvara, visarga
        or code == 0x09BC  # nukta
        or 0x09BE <= code <= 0x09CD  # vowel signs and the virama
        or code == 0x09D7  # au length mark
        or 0x09E2 <= code <= 0x09E3  # vocalic l/ll vowel signs
    )


def _is_bengali_consonant(char: str) -> bool:
    code = ord(char)
    # ক..হ, ড় ঢ় য়, and the Assamese ra/wa that share the block.
    return 0x0995 <= code <= 0x09B9 or 0x09DC <= code <= 0x09DF or 0x09F0 <= code <= 0x09F1


def _extends(char: str) -> bool:
    """Does `char` belong to the cluster before it?"""
    if _is_bengali_mark(char) or char in (_ZWJ, _ZWNJ):
        return True
    # Combining marks of other scripts (accents, variation selectors) too.
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


def graphemes(text: str) -> list[str]:
    """Cut `text` into user-perceived characters, with Bengali conjuncts kept whole.

    A virama joins its cluster to a following consonant; a ZWJ joins it to whatever follows
    (র‍্য, emoji sequences); a ZWNJ ends it (it asks for a visible virama, as in ক্‌ষ).
    """
    clusters: list[str] = []
    pending: str | None = None  # _VIRAMA or _ZWJ when the cluster reaches into the next char
    for char in text:
        if clusters and _extends(char):
            clusters[-1] += char
            pending = char if char in (_VIRAMA, _ZWJ) else None
            continue
        if clusters and (
            (pending == _VIRAMA and _is_bengali_consonant(char))
            or (pending == _ZWJ and not char.isspace())
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
        pending = None
    return clusters


def encoding(text: str) -> Encoding:
    """Which alphabet `text` travels in: "gsm7" if the GSM 03.38 tables hold it all, else "ucs2"."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return "gsm7"
    return "ucs2"


def units(text: str, enc: Encoding | None = None) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    enc = enc or encoding(text)
    if enc == "gsm7":
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def _limits(enc: Encoding) -> tuple[int, int]:
    return (GSM7_SINGLE, GSM7_PER_PART) if enc == "gsm7" else (UCS2_SINGLE, UCS2_PER_PART)


def split_parts(text: str) -> list[str]:
    """The parts `text` goes out as; "" is no parts at all.

    Concatenating the parts gives `text` back. A single cluster longer than a whole part
    (only pathological input, e.g. dozens of stacked marks) is cut between code points.
    """
    if not text:
        return []
    enc = encoding(text)
    single, per_part = _limits(enc)
    if units(text, enc) <= single:
        return [text]
    parts: list[str] = []
    current, used = "", 0
    for cluster in graphemes(text):
        size = units(cluster, enc)
        if size > per_part:
            pieces = list(cluster)
        else:
            pieces = [cluster]
        for piece in pieces:
            size = units(piece, enc)
            if used + size > per_part:
                parts.append(current)
                current, used = "", 0
            current += piece
            used += size
    parts.append(current)
    return parts


def count_parts(text: str) -> int:
    """How many SMS parts `text` costs (0 for "")."""
    return len(split_parts(text))


def fit(text: str, max_parts: int) -> str:
    """`text` unchanged if it fits in `max_parts`, else cut at a cluster boundary plus an ellipsis.

    GSM-7 texts get "..." rather than "…": the single-character ellipsis is not in GSM 03.38
    and would turn the whole message into UCS-2, less than half the room.
    """
    if max_parts < 1:
        raise ValueError("max_parts must be at least 1")
    if count_parts(text) <= max_parts:
        return text
    ellipsis = "..." if encoding(text) == "gsm7" else "…"
    clusters = graphemes(text)

    def candidate(keep: int) -> str:
        return "".join(clusters[:keep]).rstrip() + ellipsis

    # The part count only grows with the kept prefix: binary-search the longest that fits.
    low, high = 0, len(clusters)
    while low < high:
        middle = (low + high + 1) // 2
        if count_parts(candidate(middle)) <= max_parts:
            low = middle
        else:
            high = middle - 1
    return candidate(low)
