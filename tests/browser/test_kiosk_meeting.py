"""Asking to meet an official at the kiosk, tapped through like a citizen would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from server.queue.office import Office
from tests.browser.test_kiosk import LANDSCAPE, PORTRAIT, kiosk, shot, type_phone
from tests.conftest import LiveServer, bearer, office_config, store_of

PHONE = "01712345678"
DC_SAYS = "জেলা প্রশাসক আপনার অনুরোধ দেখবেন; সময় SMS-এ জানানো হবে"


@pytest.fixture
async def portrait(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> AsyncIterator[Any]:
    page = await kiosk(chromium, live, office, keys["kiosk"], PORTRAIT, "?done=8")
    yield page
    await page.context.close()


async def requested(live: LiveServer, office: Office) -> list[dict[str, Any]]:
    entries = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    return [json.loads(f["data"]) for _, f in entries if f["type"] == "meeting.requested"]


async def ask(live: LiveServer, office: Office, key: str, phone: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live.url) as client:
        return await client.post(
            f"/api/v1/offices/{office.slug}/meetings",
            json={"official": "dc", "phone": phone, "name": "করিম", "purpose": "other"},
            headers=bearer(key),
        )


async def to_officials(page: Any, phone: str = PHONE) -> None:
    await page.tap("[data-action=start]")
    await type_phone(page, phone)
    await page.tap("[data-action=phone-next]")
    await page.tap(".k-tile[data-service=meet]")
    await page.wait_for_selector("[data-screen=meet-official]:not([hidden]) .k-official")


async def tap_letters(page: Any, letters: list[str]) -> None:
    for letter in letters:
        await page.tap(f".k-letter[data-letter='{letter}']")


async def to_confirm(page: Any, official: str = "dc") -> None:
    await page.tap(f".k-official[data-official={official}]")
    await tap_letters(page, ["র", "হ", "\u09bf", "ম"])
    await page.tap("[data-action=text-next]")
    await page.tap(".k-purpose[data-purpose=land]")
    await page.tap("[data-action=purpose-next]")
    await page.wait_for_selector("[data-screen=meet-confirm]:not([hidden])")


async def test_whole_flow_by_taps_files_one_request_and_shows_its_number(
    portrait: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    page = portrait
    await to_officials(page)
    cards = page.locator(".k-official")
    assert await cards.count() == len(office.officials)
    assert "জেলা প্রশাসক" in await cards.first.text_content()
    await shot(page, "kiosk-meet-1-official.png")

    await page.tap(".k-official[data-official=dc]")
    await page.wait_for_selector("[data-screen=meet-text]:not([hidden])")
    await page.tap("[data-action=text-next]")  # no name yet: told so, inline
    assert "আপনার নাম লিখুন" in await page.text_content(".k-text-error")
    await tap_letters(page, ["র", "হ", "\u09bf", "ম", "space", "উ", "দ", "্", "দ", "\u09bf", "ন"])
    await tap_letters(page, ["back", "ন"])
    assert await page.input_value(".k-text-input") == "রহিম উদ্দিন"
    assert await page.text_content(".k-text-error") == ""
    await shot(page, "kiosk-meet-2-name.png")
    await page.tap("[data-action=text-next]")

    await page.wait_for_selector("[data-screen=meet-purpose]:not([hidden])")
    await page.tap("[data-action=purpose-next]")  # no purpose yet
    assert "বিষয় বেছে নিন" in await page.text_content(".k-purpose-error")
    await page.tap(".k-purpose[data-purpose=land]")
    await page.tap("[data-action=edit-details]")
    await page.keyboard.type("নামজারি ১২৩")  # a physical keyboard types into the same box
    await page.tap("[data-action=text-next]")
    assert await page.text_content(".k-details-text") == "নামজারি ১২৩"
    await shot(page, "kiosk-meet-3-purpose.png")
    await page.tap("[data-action=purpose-next]")

    summary = await page.text_content(".k-meet-summary")
    for text in ("রহিম উদ্দিন", "০১৭১২-৩৪৫৬৭৮", "জমিজমা সংক্রান্ত", "নামজারি ১২৩"):
        assert text in summary
    await shot(page, "kiosk-meet-4-confirm.png")
    await page.dblclick("[data-action=send-meeting]")  # a double tap is still one request
    await page.wait_for_selector("[data-screen=meet-done]:not([hidden])")
    assert await page.text_content(".k-meet-ref") == "ডিসি-০০১"
    facts = await page.text_content(".k-meet-facts")
    assert DC_SAYS in facts and "আপনার আগে কেউ নেই" in facts
    await page.wait_for_function("document.querySelector('.k-meet-qr').naturalWidth > 0")
    await shot(page, "kiosk-meet-5-done.png")

    async with httpx.AsyncClient(base_url=live.url) as client:
        listed = await client.get(
            f"/api/v1/offices/{office.slug}/meetings", headers=bearer(keys["admin"])
        )
    [meeting] = listed.json()["meetings"]
    assert (meeting["name"], meeting["purpose"], meeting["details"]) == (
        "রহিম উদ্দিন",
        "land",
        "নামজারি ১২৩",
    )
    assert meeting["phone_masked"] and meeting["official"]["slug"] == "dc"
    assert len(await requested(live, office)) == 1
    qr = await page.evaluate("document.querySelector('.k-meet-qr').getAttribute('src')")
    assert qr == f"/m/{meeting['id']}/qr.svg"
    # ?done=8: back to the start screen by itself, everything cleared.
    await page.wait_for_selector("[data-screen=start]:not([hidden])", timeout=15_000)
    await to_officials(page, "01812345678")
    await page.tap(".k-official[data-official=dc]")
    assert await page.input_value(".k-text-input") == ""


async def test_second_request_for_the_same_official_shows_the_earlier_number(
    portrait: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    first = await ask(live, office, keys["kiosk"], PHONE)
    assert first.status_code == 201
    page = portrait
    await to_officials(page)
    await to_confirm(page)
    await page.tap("[data-action=send-meeting]")
    await page.wait_for_selector("[data-screen=meet-done]:not([hidden])")
    assert await page.text_content(".k-meet-ref") == "ডিসি-০০১"
    lead = await page.text_content(".k-meet-done-lead")
    assert lead == "আপনার আগের অনুরোধ (ডিসি-০০১) এখনো অপেক্ষমাণ"
    await page.wait_for_function(
        "document.querySelector('.k-meet-facts').textContent.includes('আপনার আগে কেউ নেই')"
    )
    assert await page.text_content(".k-meet-error") == ""
    await shot(page, "kiosk-meet-6-existing.png")
    assert len(await requested(live, office)) == 1


async def test_full_day_offers_the_next_working_day_with_one_button(
    chromium: Any, live: LiveServer
) -> None:
    from server.api.auth import create_api_key
    from server.store.offices import save_office

    base = office_config()
    office = replace(
        base, officials={**base.officials, "dc": replace(base.officials["dc"], daily_cap=1)}
    )
    await save_office(office)
    await store_of(live).install_office(office)
    key = await create_api_key(store_of(live).redis, office.slug, "kiosk")
    assert (await ask(live, office, key, "01911111111")).status_code == 201
    page = await kiosk(chromium, live, office, key, PORTRAIT)
    await to_officials(page)
    await to_confirm(page)
    await page.tap("[data-action=send-meeting]")
    await page.wait_for_selector(".k-full:not([hidden])")
    assert "আজকের সাক্ষাতের তালিকা পূর্ণ" in await page.text_content(".k-full-text")
    assert await page.is_hidden("[data-action=send-meeting]")
    await shot(page, "kiosk-meet-7-full.png")
    await page.tap("[data-action=send-later]")
    await page.wait_for_selector("[data-screen=meet-done]:not([hidden])")
    assert "সাক্ষাতের দিন:" in await page.text_content(".k-meet-facts")
    await page.wait_for_function("document.querySelector('.k-meet-qr').naturalWidth > 0")
    await shot(page, "kiosk-meet-8-next-day.png")
    events = await requested(live, office)
    assert len(events) == 2
    days = {e.get("day") or e.get("meeting", {}).get("day") for e in events}
    assert len(days) == 2, events
    await page.context.close()


async def test_english_toggle_across_the_flow_and_idle_goes_back_to_start(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    page = await kiosk(chromium, live, office, keys["kiosk"], LANDSCAPE, "?idle=4")
    await to_officials(page)
    await page.tap(".lang-toggle")
    assert "Whom do you want to meet?" in await page.text_content("[data-screen=meet-official] h1")
    assert "Deputy Commissioner" in await page.text_content(".k-official[data-official=dc]")
    await shot(page, "kiosk-meet-landscape-1-official-en.png")
    await page.tap(".k-official[data-official=dc]")
    assert await page.text_content(".k-text-title") == "Write your name"
    await tap_letters(page, ["R", "A", "H", "I", "M", "space", "U", "D", "D", "I", "N"])
    assert await page.input_value(".k-text-input") == "Rahim Uddin"
    await shot(page, "kiosk-meet-landscape-2-name-en.png")
    await page.tap(".lang-toggle")  # back to Bengali: the typed name stays
    assert await page.text_content(".k-text-title") == "আপনার নাম লিখুন"
    assert await page.input_value(".k-text-input") == "Rahim Uddin"
    await page.tap(".lang-toggle")
    await page.keyboard.press("Enter")
    await page.tap(".k-purpose[data-purpose=certificate]")
    await page.tap("[data-action=purpose-next]")
    assert "Certificate" in await page.text_content(".k-meet-summary")
    await page.tap("[data-action=send-meeting]")
    await page.wait_for_selector("[data-screen=meet-done]:not([hidden])")
    assert await page.text_content(".k-meet-ref") == "DC-001"
    assert "Deputy Commissioner will see your request" in await page.text_content(".k-meet-facts")
    await page.wait_for_function("document.querySelector('.k-meet-qr').naturalWidth > 0")
    await shot(page, "kiosk-meet-landscape-3-done-en.png")
    # Left alone mid-flow, the kiosk goes back to its start screen.
    await page.tap("[data-screen=meet-done] [data-action=home]")
    await to_officials(page, "01812345678")
    await page.wait_for_selector("[data-screen=start]:not([hidden])", timeout=8000)
    await page.tap(".lang-toggle")
    await page.context.close()
