"""Bengali digits and dates: the one place that turns numbers into what citizens read."""

from __future__ import annotations

from datetime import date, datetime

BN_DIGITS = "০১২৩৪৫৬৭৮৯"
_TO_BN = str.maketrans("0123456789", BN_DIGITS)
_TO_LATIN = str.maketrans(BN_DIGITS, "0123456789")

BN_MONTHS = (
    "জানুয়ারি",
    "ফেব্রুয়ারি",
    "মার্চ",
    "এপ্রিল",
    "মে",
    "জুন",
    "জুলাই",
    "আগস্ট",
    "সেপ্টেম্বর",
    "অক্টোবর",
    "নভেম্বর",
    "ডিসেম্বর",
)
# Python's weekday(): Monday is 0.
BN_WEEKDAYS = ("সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার", "রবিবার")


def to_bn_digits(text: object) -> str:
    return str(text).translate(_TO_BN)


def to_latin_digits(text: str) -> str:
    return text.translate(_TO_LATIN)


def bn_date(day: date) -> str:
    """`২৯ নভেম্বর ২০২৬, রবিবার`"""
    return to_bn_digits(f"{day.day} {BN_MONTHS[day.month - 1]} {day.year}") + (
        f", {BN_WEEKDAYS[day.weekday()]}"
    )


def bn_time(moment: datetime) -> str:
    """`সকাল ১০:১৫`: twelve-hour clock with the part of the day, as spoken in Bangladesh."""
    hour = moment.hour
    if hour < 12:
        part = "সকাল" if hour >= 5 else "রাত"
    elif hour < 15:
        part = "দুপুর"
    elif hour < 18:
        part = "বিকাল"
    else:
        part = "সন্ধ্যা" if hour < 20 else "রাত"
    twelve = hour % 12 or 12
    return f"{part} {to_bn_digits(f'{twelve}:{moment.minute:02d}')}"
