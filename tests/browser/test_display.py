"""The hall display in Chromium: calls appear within a second, flash, and are announced one
after another through the page's one <audio> element."""

from __future__ import annotations

import time
from typing import Any

import httpx

from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.browser.test_counter import clerk, issue, log_in
from tests.conftest import LiveServer, bearer

# Record every source the announcer plays, and play fast so the test does not wait 3 s a clip.
WATCH_AUDIO = """() => {
  const audio = document.getElementById('announcer');
  window.played = [];
  audio.defaultPlaybackRate = 4;
  audio.addEventListener('play', () => window.played.push(new URL(audio.currentSrc).pathname
    + new URL(audio.currentSrc).search));
}"""


async def open_display(
    chromium: Any, live: LiveServer, office: Office, width: int = 1920, height: int = 1080
) -> Any:
    context = await chromium.new_context(
        viewport={"width": width, "height": height}, locale="bn-BD", timezone_id="Asia/Dhaka"
    )
    page = await context.new_page()
    page.on("pageerror", lambda error: print("page error:", error))
    await page.goto(f"{live.url}/display/{office.slug}")
    await page.locator(".tile").first.wait_for()
    await page.evaluate(WATCH_AUDIO)
    return page


async def test_call_from_console_shows_on_display_within_a_second_and_recall_flashes(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any, chromium: Any
) -> None:
    console = browser_page
    for service in ("A", "B", "B", "D"):
        await issue(live, office, keys["kiosk"], service)
    display = await open_display(chromium, live, office)
    await log_in(console, live, office, await clerk(office), 2)
    await console.keyboard.press("n")
    started = time.monotonic()
    await display.locator(".tile[data-counter='2'] .tile-token", has_text="খ-০০১").wait_for(
        timeout=1000
    )
    assert time.monotonic() - started < 1.0
    await display.locator(".tile[data-counter='2'].flash").wait_for()
    await display.wait_for_function("window.played.length >= 2", timeout=15000)
    await display.locator(".tile[data-counter='2']:not(.flash)").wait_for(timeout=7000)
    await console.keyboard.press("r")
    await display.locator(".tile[data-counter='2'].flash").wait_for(timeout=2000)
    await display.wait_for_function("window.played.length >= 4", timeout=15000)
    played = await display.evaluate("window.played")
    clip = f"/api/v1/offices/{office.slug}/announce/B-001/2.wav"
    assert played[:4] == ["/api/v1/announce/chime.wav", clip, "/api/v1/announce/chime.wav", clip]
    # More calls for a fuller board, then a pause: the screenshot shows every kind of tile.
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(keys["counter"])) as client:
        for counter in (1, 3, 4):
            await client.post(f"/api/v1/offices/{office.slug}/counters/{counter}/call-next")
        await client.post(f"/api/v1/offices/{office.slug}/counters/3/pause")
    await display.locator(".tile[data-counter='3'][data-state='paused']").wait_for()
    await display.locator(".tile[data-counter='4'] .tile-token", has_text="ঘ-০০১").wait_for()
    await display.wait_for_timeout(5500)
    html = await display.content()
    assert "5678" not in html and "৫৬৭৮" not in html and "করিম" not in html
    await display.screenshot(path=str(artifact("display.png")))
    small = await open_display(chromium, live, office, 1280, 720)
    await small.screenshot(path=str(artifact("display-720.png")))
    await small.context.close()
    await display.context.close()


async def test_three_calls_in_one_burst_are_announced_in_order(
    live: LiveServer, office: Office, keys: dict[str, str], chromium: Any
) -> None:
    for service in ("A", "B", "D"):
        await issue(live, office, keys["kiosk"], service)
    display = await open_display(chromium, live, office)
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(keys["counter"])) as client:
        for counter in (1, 2, 4):
            called = await client.post(
                f"/api/v1/offices/{office.slug}/counters/{counter}/call-next"
            )
            assert called.status_code == 200
    await display.wait_for_function("window.played.length >= 6", timeout=30000)
    played = await display.evaluate("window.played")
    base = f"/api/v1/offices/{office.slug}/announce"
    chime = "/api/v1/announce/chime.wav"
    assert played == [
        chime,
        f"{base}/A-001/1.wav",
        chime,
        f"{base}/B-001/2.wav",
        chime,
        f"{base}/D-001/4.wav",
    ]
    await display.context.close()


async def test_display_reloads_itself_when_the_page_version_changes(
    live: LiveServer, office: Office, chromium: Any
) -> None:
    context = await chromium.new_context(viewport={"width": 1280, "height": 720})
    display = await context.new_page()
    await display.goto(f"{live.url}/display/{office.slug}?version_check_secs=1")
    await display.locator(".tile").first.wait_for()
    # As if the server had been upgraded since this page was loaded.
    await display.evaluate("document.body.dataset.version = 'old'; window.notReloaded = true")
    await display.wait_for_function("window.notReloaded === undefined", timeout=10000)
    await display.locator(".tile").first.wait_for()
    await context.close()
