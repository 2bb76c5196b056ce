"""The citizen's tracking page on a phone: live place in the queue, then "your turn"."""

from __future__ import annotations

from typing import Any

import httpx

from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.conftest import LiveServer, bearer

PHONE_VIEWPORT = {"width": 390, "height": 844}


async def test_tracking_page_flips_to_your_turn_when_a_counter_calls(
    chromium: Any, live: LiveServer, office: Office, keys: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=live.url) as client:
        tokens = [
            (
                await client.post(
                    f"/api/v1/offices/{office.slug}/tokens",
                    json={"service": "A", "phone": phone},
                    headers=bearer(keys["kiosk"]),
                )
            ).json()
            for phone in ("01712345678", "01812345678")
        ]
        mine = tokens[1]
        context = await chromium.new_context(
            viewport=PHONE_VIEWPORT, locale="bn-BD", timezone_id="Asia/Dhaka", has_touch=True
        )
        await context.add_init_script(
            "window.__vibrations = [];"
            "navigator.vibrate = (p) => (window.__vibrations.push(p), true);"
        )
        page = await context.new_page()
        await page.goto(f"{live.url}/t/{mine['id']}")
        await page.evaluate("document.fonts.ready")
        assert await page.text_content(".t-number") == mine["display_bn"]
        assert "আপনার আগে ১ জন" in await page.text_content(".t-state")
        await page.screenshot(path=str(artifact("track-1-waiting.png")))

        counter = mine["counter"]
        first = await client.post(
            f"/api/v1/offices/{office.slug}/counters/{tokens[0]['counter']}/call-next",
            headers=bearer(keys["counter"]),
        )
        assert first.json()["id"] == tokens[0]["id"]
        await page.wait_for_function(
            "document.querySelector('.t-state').textContent.includes('আপনিই পরবর্তী')",
            timeout=20_000,
        )
        await client.post(
            f"/api/v1/offices/{office.slug}/tokens/{tokens[0]['id']}/complete",
            headers=bearer(keys["counter"]),
        )
        called = await client.post(
            f"/api/v1/offices/{office.slug}/counters/{counter}/call-next",
            headers=bearer(keys["counter"]),
        )
        assert called.json()["id"] == mine["id"]
        await page.wait_for_selector(".t-main[data-status=called]", timeout=20_000)
        headline = await page.text_content(".t-headline")
        assert headline == "আপনার পালা! কাউন্টার ১-এ যান"
        assert await page.evaluate("window.__vibrations.length") == 1
        await page.screenshot(path=str(artifact("track-2-your-turn.png")))
        await context.close()


async def test_unknown_token_is_a_friendly_404(browser_page: Any, live: LiveServer) -> None:
    response = await browser_page.goto(f"{live.url}/t/not-a-real-token")
    assert response.status == 404
    assert "দুঃখিত" in await browser_page.text_content("h1")
