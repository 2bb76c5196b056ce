"""Message templates and the pure sending policy: no IO."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from server.hardware.sms.segments import count_parts, graphemes
from server.notify.messages import Composer
from server.notify.policy import CircuitBreaker, RateLimiter, backoff_secs
from server.notify.templates import LANGS, NAMES, Renderer

CONTEXT = {
    "office_name": "জেলা প্রশাসকের কার্যালয়, মাগুরা",
    "display": "খ-০০৩",
    "service_name": "খতিয়ান/পর্চার সার্টিফাইড কপি",
    "ahead": 2,
    "eta": 8,
    "link": "https://sheba.example.gov.bd/t/abcdefghijklmnop",
    "counter": 2,
    "places": 3,
    "official_name": "জেলা প্রশাসক",
    "at": "2026-11-29T10:15:00+06:00",
    "reason": "সফরে আছেন",
    "ref": "M-12",
    "tracking_no": "C-2026-0042",
    "status_text": "প্রক্রিয়াধীন",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_in_both_languages(name: str, lang: str) -> None:
    text = Renderer().render(name, lang, CONTEXT)
    assert text.strip() == text and text
    assert "{{" not in text and "None" not in text


def test_bengali_messages_use_bengali_digits() -> None:
    called = Renderer().render("token.called", "bn", CONTEXT)
    assert called == "আপনার পালা! টোকেন খ-০০৩: কাউন্টার ২-এ আসুন।"
    scheduled = Renderer().render("meeting.scheduled", "bn", CONTEXT)
    assert "২৯ নভেম্বর ২০২৬, রবিবার, সকাল ১০:১৫" in scheduled
    english = Renderer().render("meeting.scheduled", "en", CONTEXT)
    assert "29 November 2026 (Sunday), 10:15 AM" in english


def test_an_office_overrides_a_template_from_its_own_directory(tmp_path: Path) -> None:
    (tmp_path / "bn").mkdir()
    (tmp_path / "bn" / "token.called.txt.j2").write_text(
        "{{ display }} নম্বর, {{ digits(counter) }} নম্বর কাউন্টারে আসুন।", encoding="utf-8"
    )
    renderer = Renderer(tmp_path)
    assert renderer.render("token.called", "bn", CONTEXT) == "খ-০০৩ নম্বর, ২ নম্বর কাউন্টারে আসুন।"
    # Anything not overridden still comes from the shipped templates.
    assert renderer.render("token.called", "en", CONTEXT).startswith("Your turn!")


def test_a_long_bengali_message_keeps_within_the_part_budget_and_its_letters() -> None:
    composer = Composer(Renderer(), max_parts=1)
    context = {**CONTEXT, "service_name": "ক্ষুদ্র নৃ-গোষ্ঠীর সনদ প্রদান " * 6}
    draft = composer.sms("1-0", "token.issued", "+8801712345678", "bn", context)
    assert draft.parts == count_parts(draft.text) == 1
    assert draft.text.endswith("…")
    # The cut falls between whole letters: every cluster of the draft is one of the source's.
    full = Renderer().render("token.issued", "bn", context)
    assert (
        graphemes(draft.text[:-1].rstrip())
        == graphemes(full)[: len(graphemes(draft.text[:-1].rstrip()))]
    )
    assert draft.key == "1-0:token.issued"


def test_backoff_grows_and_is_capped_with_jitter() -> None:
    rand = random.Random(7)
    delays = [backoff_secs(n, 2.0, 60.0, rand) for n in range(1, 10)]
    assert 1.0 <= delays[0] <= 2.0
    assert all(30.0 <= d <= 60.0 for d in delays[6:])


def test_breaker_opens_only_for_failures_of_several_messages_then_probes() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown=10, max_cooldown=40)
    for now in (0, 1, 2, 3):
        breaker.failure("same", now)
    assert breaker.state == "closed"  # one bad message is not a bad gateway
    breaker.failure("other", 4)
    assert breaker.state == "open" and not breaker.allows(5)
    assert breaker.half_open(14) and breaker.allows(14)
    breaker.failure("probe", 14)  # a failed probe doubles the cool-down
    assert not breaker.allows(30) and breaker.allows(34)
    assert breaker.success() is True and breaker.state == "closed"


def test_rate_limiter_spaces_sends() -> None:
    limiter = RateLimiter(per_sec=4)
    assert [limiter.delay(0.0) for _ in range(3)] == [0.0, 0.25, 0.5]
    assert limiter.delay(10.0) == 0.0
