"""Replies citizens send back by SMS, as a gateway's webhook delivers them (pure functions)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from server.bengali import to_latin_digits

Reply = Literal["confirm", "more_time", "cancel", "help"]

# What the meeting SMS asks: "১ = আসছি, ২ = আরও সময়, ৩ = বাতিল".
_CHOICES: dict[str, Reply] = {"1": "confirm", "2": "more_time", "3": "cancel"}
# Phones add these around a lone digit: the Bengali full stop (দাঁড়ি), dots, quotes.
_DECORATION = " \t\r\n\u00a0\u200b\u200c\u200d।.,'\"`"


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of `body` under `secret`, as lower-case hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str, secret: str) -> bool:
    """Whether `signature` (hex, optionally prefixed `sha256=`) is the HMAC of `body`.

    Constant-time. An empty secret verifies nothing, so a forgotten setting fails closed.
    """
    if not secret or not signature:
        return False
    given = signature.strip()
    if given[:7].lower() == "sha256=":
        given = given[7:]
    # Compare bytes: compare_digest refuses str with non-ASCII characters (a TypeError).
    return hmac.compare_digest(
        given.lower().encode("utf-8", "replace"), sign(body, secret).encode()
    )


def parse_reply(text: str) -> Reply:
    """`"১"`/`" 1 "` → confirm, 2 → more_time, 3 → cancel; anything else → help."""
    choice = to_latin_digits(text).strip(_DECORATION)
    return _CHOICES.get(choice, "help")
