"""The kiosk, tapped through like a citizen would, on a portrait touch screen and a wide one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.hardware.printing import PrinterStatus
from server.hardware.spooler import publish_status
from server.queue import keys as redis_keys
from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.conftest import LiveServer, store_of

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = "01712345678"


async def kiosk(
    chromium: Any,
    live: LiveServer,
    office: Office,
    key: str,
    viewport: dict[str, int],
    query: str = "",
) -> Any:
    context = await chromium.new_context(
        viewport=viewport, locale="bn-BD", timezone_id="Asia/Dhaka", has_touch=True
    )
    await context.add_init_script(
        f"localStorage.setItem('sheba.deviceKey.{office.slug}', {key!r});"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.errors = errors
    await page.goto(f"{live.url}/kiosk/{office.slug}{query}")
    try:
        await page.wait_for_selector("[data-screen=start]:not([hidden])", timeout=5000)
    except Exception as exc:
        raise AssertionError(f"kiosk did not start: {errors}") from exc
    await page.evaluate("document.fonts.ready")
    return page


@pytest.fixture
async def portrait(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> AsyncIterator[Any]:
    page = await kiosk(chromium, live, office, keys["kiosk"], PORTRAIT, "?done=8")
    yield page
    await page.context.close()


async def type_phone(page: Any, digits: str) -> None:
    for digit in digits:
        await page.tap(f".k-key[data-key='{digit}']")


async def waiting(live: LiveServer, office: Office, service: str) -> int:
    return (await store_of(live).queue_lengths(office.slug))[service]


async def shot(page: Any, name: str) -> None:
    await page.screenshot(path=str(artifact(name)))


async def test_full_flow_by_taps_prints_one_token_and_returns_to_start(
    portrait: Any, live: LiveServer, office: Office, backend: dict[str, str]
) -> None:
    page = portrait
    await shot(page, "kiosk-1-start.png")
    await page.tap("[data-action=start]")
    await type_phone(page, PHONE)
    assert await page.text_content(".k-number") == "০১৭১২-৩৪৫৬৭৮"
    await shot(page, "kiosk-2-phone.png")
    await page.tap("[data-action=phone-next]")
    await page.wait_for_selector("[data-screen=services]:not([hidden])")
    tiles = await page.locator(".k-tile").count()
    assert tiles == len(office.services) + 2
    await shot(page, "kiosk-3-services.png")

    await page.tap(".k-tile[data-service=complaint]")
    assert "শীঘ্রই চালু হবে" in await page.text_content(".k-soon")
    await shot(page, "kiosk-3b-coming-soon.png")
    await page.tap("[data-action=close-soon]")

    await page.tap(".k-tile[data-service=B]")
    body = await page.text_content(".k-confirm-body")
    assert office.services["B"].name_bn in body and office.services["B"].documents_bn[0] in body
    await shot(page, "kiosk-4-confirm.png")
    # A double tap on Print is still one token.
    await page.dblclick("[data-action=print]")
    await page.wait_for_selector("[data-screen=done]:not([hidden])")
    assert await page.text_content(".k-token") == "খ-০০১"
    assert await waiting(live, office, "B") == 1
    await page.wait_for_function("document.querySelector('.k-qr').naturalWidth > 0")
    await shot(page, "kiosk-5-done.png")

    tickets = Path(backend["data_dir"]) / "tickets"
    token_id = (await store_of(live).queue(office.slug, "B"))[0]
    for _ in range(100):
        if (tickets / f"{token_id}.png").exists():
            break
        await asyncio.sleep(0.1)
    assert (tickets / f"{token_id}.png").exists(), "the spooler printed the kiosk's ticket"
    # ?done=8: back to the start screen by itself, the number cleared.
    await page.wait_for_selector("[data-screen=start]:not([hidden])", timeout=15_000)
    assert await page.text_content(".k-number") != "০১৭১২-৩৪৫৬৭৮"


async def test_wrong_phone_shows_a_bengali_message_under_the_keypad(portrait: Any) -> None:
    page = portrait
    await page.tap("[data-action=start]")
    await type_phone(page, "01212345678")
    await page.tap("[data-action=phone-next]")
    message = await page.text_content(".k-phone-error")
    assert message and "সঠিক মোবাইল নম্বর দিন" in message
    assert await page.is_visible("[data-screen=phone]")
    await shot(page, "kiosk-6-wrong-phone.png")
    await page.keyboard.press("Backspace")
    assert await page.text_content(".k-phone-error") == ""


async def test_physical_keyboard_types_latin_and_bengali_digits(portrait: Any) -> None:
    page = portrait
    await page.keyboard.press("Enter")
    await page.keyboard.type("0171")
    # A Bengali keyboard layout sends Bengali digits as the key.
    await page.evaluate(
        """for (const key of "২৩৪৫৬৭৮")
             document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));"""
    )
    assert await page.text_content(".k-number") == "০১৭১২-৩৪৫৬৭৮"


async def test_idle_kiosk_goes_back_to_start_with_input_cleared(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    page = await kiosk(chromium, live, office, keys["kiosk"], PORTRAIT, "?idle=2")
    assert await page.get_attribute(".k-root", "data-idle-secs") == "2"
    await page.tap("[data-action=start]")
    await type_phone(page, "0171")
    await page.wait_for_selector("[data-screen=start]:not([hidden])", timeout=5000)
    await page.tap("[data-action=start]")
    assert "০১৭১২" not in (await page.text_content(".k-number") or "")
    await page.context.close()


async def test_default_idle_is_sixty_seconds(
    portrait: Any, live: LiveServer, office: Office
) -> None:
    async with httpx.AsyncClient(base_url=live.url) as client:
        html = (await client.get(f"/kiosk/{office.slug}")).text
    assert 'data-idle-secs="60"' in html and 'data-done-secs="20"' in html


async def test_lost_answer_is_retried_with_the_same_key_and_makes_one_token(
    portrait: Any, live: LiveServer, office: Office
) -> None:
    page = portrait
    calls: list[str] = []

    async def lose_first_answer(route: Any) -> None:
        calls.append(route.request.headers.get("idempotency-key", ""))
        if len(calls) == 1:
            await route.fetch()  # the server issues the token...
            await route.abort("connectionreset")  # ...but the kiosk never hears back
        else:
            await route.continue_()

    await page.route("**/api/v1/offices/*/tokens", lose_first_answer)
    await page.tap("[data-action=start]")
    await type_phone(page, "01812345678")
    await page.tap("[data-action=phone-next]")
    await page.tap(".k-tile[data-service=A]")
    await page.tap("[data-action=print]")
    await page.wait_for_selector("[data-screen=done]:not([hidden])")
    assert len(calls) == 2 and calls[0] == calls[1] and calls[0]
    assert await waiting(live, office, "A") == 1


async def test_unreachable_server_says_please_wait_and_recovers(
    portrait: Any, live: LiveServer, office: Office
) -> None:
    page = portrait
    await page.route("**/api/v1/offices/*/tokens", lambda route: route.abort("connectionrefused"))
    await page.tap("[data-action=start]")
    await type_phone(page, "01912345678")
    await page.tap("[data-action=phone-next]")
    await page.tap(".k-tile[data-service=A]")
    await page.tap("[data-action=print]")
    await page.wait_for_selector(".k-offline:not([hidden])")
    assert "অনুগ্রহ করে অপেক্ষা করুন" in await page.text_content(".k-offline")
    await shot(page, "kiosk-7-please-wait.png")
    await page.unroute("**/api/v1/offices/*/tokens")
    await page.wait_for_selector("[data-screen=done]:not([hidden])", timeout=10_000)
    assert await page.is_hidden(".k-offline")
    assert await waiting(live, office, "A") == 1


async def test_printer_down_tells_the_citizen_to_note_the_number(
    portrait: Any, live: LiveServer, office: Office, backend: dict[str, str]
) -> None:
    page = portrait
    await page.tap("[data-action=start]")
    await type_phone(page, PHONE)
    await page.tap("[data-action=phone-next]")
    await page.tap(".k-tile[data-service=C]")
    await page.tap("[data-action=print]")
    await page.wait_for_selector("[data-screen=done]:not([hidden])")
    # The spooler printed it; then the printer goes away.
    redis = store_of(live).redis
    token_id = (await store_of(live).queue(office.slug, "C"))[0]
    ticket = Path(backend["data_dir"]) / "tickets" / f"{token_id}.png"
    for _ in range(50):
        state = await redis.hget(redis_keys.printer(office.slug), "state")
        if ticket.exists() and state == "ok":
            break
        await asyncio.sleep(0.1)
    await publish_status(redis, office.slug, PrinterStatus("offline", "unplugged"))
    await page.wait_for_selector(".k-printer-down:not([hidden])", timeout=5000)
    assert "টিকিট প্রিন্ট করা যায়নি" in await page.text_content(".k-printer-down")
    await shot(page, "kiosk-8-printer-down.png")
    await publish_status(redis, office.slug, PrinterStatus("ok", "back"))


async def test_landscape_screens_and_english(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    page = await kiosk(chromium, live, office, keys["kiosk"], LANDSCAPE)
    await shot(page, "kiosk-landscape-1-start.png")
    await page.tap("[data-action=start]")
    await type_phone(page, PHONE)
    await shot(page, "kiosk-landscape-2-phone.png")
    await page.tap("[data-action=phone-next]")
    await shot(page, "kiosk-landscape-3-services.png")
    await page.tap(".lang-toggle")
    assert "Which service" in await page.text_content("[data-screen=services] h1")
    await shot(page, "kiosk-landscape-3-services-en.png")
    await page.tap(".k-tile[data-service=D]")
    await shot(page, "kiosk-landscape-4-confirm-en.png")
    await page.tap("[data-action=print]")
    await page.wait_for_selector("[data-screen=done]:not([hidden])")
    await page.wait_for_function("document.querySelector('.k-qr').naturalWidth > 0")
    await shot(page, "kiosk-landscape-5-done-en.png")
    await page.tap(".lang-toggle")
    await page.context.close()
