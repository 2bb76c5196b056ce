from __future__ import annotations

import hashlib
import hmac

import pytest

from server.hardware.sms.inbound import parse_reply, sign, verify_signature


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("1", "confirm"),
        ("১", "confirm"),
        ("  ১\n", "confirm"),
        ("1.", "confirm"),
        ("১।", "confirm"),
        ("2", "more_time"),
        ("২", "more_time"),
        ("\t2 ", "more_time"),
        ("3", "cancel"),
        ("৩", "cancel"),
        (" ৩ ", "cancel"),
        ("", "help"),
        ("4", "help"),
        ("৪", "help"),
        ("12", "help"),
        ("১ ২", "help"),
        ("yes", "help"),
        ("হ্যাঁ", "help"),
        ("?", "help"),
    ],
)
def test_parse_reply(text, reply):
    assert parse_reply(text) == reply


BODY = '{"from": "8801712345678", "text": "১"}'.encode()
SECRET = "webhook-secret"
GOOD = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_sign_is_hmac_sha256_hex():
    assert sign(BODY, SECRET) == GOOD


@pytest.mark.parametrize("signature", [GOOD, GOOD.upper(), f"sha256={GOOD}", f" {GOOD} "])
def test_verify_signature_accepts_the_right_hmac(signature):
    assert verify_signature(BODY, signature, SECRET)


@pytest.mark.parametrize(
    ("body", "signature", "secret"),
    [
        (BODY + b" ", GOOD, SECRET),
        (BODY, GOOD, "other-secret"),
        (BODY, GOOD[:-1], SECRET),
        (BODY, "", SECRET),
        (BODY, GOOD, ""),
        (BODY, "স্বাক্ষর", SECRET),
        (BODY, hashlib.sha256(BODY).hexdigest(), SECRET),
    ],
)
def test_verify_signature_refuses_anything_else(body, signature, secret):
    assert not verify_signature(body, signature, secret)
