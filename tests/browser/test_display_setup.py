"""The hall display's one-time setup (a display key typed in, checked, stored, then used by
the screen) and its optional English announcement after the Bengali one."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.browser.test_counter import issue
from tests.browser.test_display import WATCH_AUDIO, open_display
from tests.conftest import LiveServer, bearer

CHIME = "/api/v1/announce/chime.wav"


async def call_next(live: LiveServer, office: Office, key: str, counter: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(key)) as client:
        called = await client.post(f"/api/v1/offices/{office.slug}/counters/{counter}/call-next")
        assert called.status_code == 200, called.text
        return called.json()


async def test_english_announcement_follows_the_bengali_one(
    live: LiveServer, office: Office, keys: dict[str, str], chromium: Any
) -> None:
    for service in ("A", "D"):
        await issue(live, office, keys["kiosk"], service)
    plain = await open_display(chromium, live, office)
    english = await plain.context.new_page()
    await english.goto(f"{live.url}/display/{office.slug}?en=1")
    await english.locator(".tile").first.wait_for()
    await english.evaluate(WATCH_AUDIO)
    for counter in (1, 4):
        await call_next(live, office, keys["counter"], counter)
    await english.wait_for_function("window.played.length >= 6", timeout=30000)
    await plain.wait_for_function("window.played.length >= 4", timeout=30000)
    base = f"/api/v1/offices/{office.slug}/announce"
    assert await english.evaluate("window.played") == [
        CHIME,
        f"{base}/A-001/1.wav",
        f"{base}/A-001/1.wav?lang=en",
        CHIME,
        f"{base}/D-001/4.wav",
        f"{base}/D-001/4.wav?lang=en",
    ]
    # Without ?en=1 (and not chosen at setup) the hall hears Bengali only.
    assert await plain.evaluate("window.played") == [
        CHIME,
        f"{base}/A-001/1.wav",
        CHIME,
        f"{base}/D-001/4.wav",
    ]
    async with httpx.AsyncClient(base_url=live.url) as client:
        clip = await client.get(f"{base}/A-001/1.wav?lang=en")
    assert clip.status_code == 200 and clip.headers["content-type"] == "audio/wav"
    await plain.context.close()


async def test_setup_stores_the_display_key_and_the_screen_connects_with_it(
    live: LiveServer, office: Office, keys: dict[str, str], chromium: Any
) -> None:
    context = await chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="bn-BD", timezone_id="Asia/Dhaka"
    )
    page = await context.new_page()
    auth = {"type": "auth", "key": keys["display"]}
    auth_sent = asyncio.Event()

    def on_frame(frame: str) -> None:
        if json.loads(frame) == auth:
            auth_sent.set()

    page.on("websocket", lambda ws: ws.on("framesent", on_frame))
    await page.goto(f"{live.url}/display/{office.slug}/setup")
    form = page.locator("#setup-key")
    await form.locator("h2", has_text="ডিসপ্লে কী দিন").wait_for()
    assert await page.locator("#current").is_hidden()

    # A mistyped key, and a real key of the wrong kind: refused in Bengali, nothing stored.
    await form.locator("[name=key]").fill("sk_not-a-real-key")
    await form.locator("button[type=submit]").click()
    await page.locator("#key-error", has_text="অজানা API কী").wait_for()
    await form.locator("[name=key]").fill(keys["kiosk"])
    await form.locator("button[type=submit]").click()
    await page.locator("#key-error", has_text="এটি এই অফিসের হল ডিসপ্লের কী নয়").wait_for()
    await page.screenshot(path=str(artifact("display-setup.png")))
    stored = f"sheba.deviceKey.{office.slug}"
    assert await page.evaluate(f"localStorage.getItem('{stored}')") is None

    # The display key, with English announcements chosen: stored, and the display opens.
    await form.locator("[name=key]").fill(f"  {keys['display']} ")
    await page.locator("#english").check()
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    assert page.url == f"{live.url}/display/{office.slug}"
    assert await page.evaluate(f"localStorage.getItem('{stored}')") == keys["display"]
    await page.locator(".tile").first.wait_for()
    await page.evaluate(WATCH_AUDIO)
    # The screen offers its key on the display channel; the server keeps the socket (a bad
    # key is closed at once), and calls come through it.
    await asyncio.wait_for(auth_sent.wait(), 5)
    await issue(live, office, keys["kiosk"], "B")
    await call_next(live, office, keys["counter"], 2)
    await page.locator(".tile[data-counter='2'] .tile-token", has_text="খ-০০১").wait_for()
    await page.wait_for_function("window.played.length >= 3", timeout=30000)
    assert (await page.evaluate("window.played"))[2].endswith("/B-001/2.wav?lang=en")
    assert await page.locator("#offline").is_hidden()
    assert await page.locator("#key-mark").is_hidden()

    # Setting up again says a key is already there.
    await page.goto(f"{live.url}/display/{office.slug}/setup")
    await page.locator("#current:not([hidden])").wait_for()
    assert await page.locator("#english").is_checked()

    # A key that stops working (revoked, or another office's) does not black out the hall:
    # the screen says it needs setting up and still shows the calls.
    await page.evaluate(f"localStorage.setItem('{stored}', 'sk_revoked')")
    await page.goto(f"{live.url}/display/{office.slug}")
    await page.locator("#key-mark:not([hidden])", has_text="আবার সেটআপ করুন").wait_for()
    await issue(live, office, keys["kiosk"], "D")
    await call_next(live, office, keys["counter"], 4)
    await page.locator(".tile[data-counter='4'] .tile-token", has_text="ঘ-০০১").wait_for()
    assert await page.locator("#offline").is_hidden()
    await page.screenshot(path=str(artifact("display-key-mark.png")))
    await context.close()
