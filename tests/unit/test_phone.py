from __future__ import annotations

import pytest

from server.errors import ShebaError
from server.queue.phone import mask_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01712345678", "+8801712345678"),
        ("+8801712345678", "+8801712345678"),
        ("8801712345678", "+8801712345678"),
        ("০১৭১২-৩৪৫৬৭৮", "+8801712345678"),
        (" +880 1712 345 678 ", "+8801712345678"),
        ("01912-345678", "+8801912345678"),
        ("(013) 1234-5678", "+8801312345678"),
    ],
)
def test_accepted_forms_normalise_to_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "0171234567",
        "017123456789",
        "01212345678",
        "02712345678",
        "+8811712345678",
        "abc",
        "০১৭১২৩৪৫৬৭x",
        None,
        1712345678,
        "+880-0171-2345678",
    ],
)
def test_anything_else_is_refused_in_both_languages(raw: object) -> None:
    with pytest.raises(ShebaError) as caught:
        normalise_phone(raw)
    error = caught.value.to_dict()["error"]
    assert error["code"] == "invalid_phone"
    assert error["field"] == "phone"
    assert "০১৭১২" in error["message_bn"]


def test_masked_phone_shows_operator_and_last_four_only() -> None:
    assert mask_phone("+8801712345678") == "017••••5678"
