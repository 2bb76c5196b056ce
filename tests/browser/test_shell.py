"""The shared page shell: served fonts, the not-found page, Bengali rendering."""

from __future__ import annotations

import httpx

from tests.browser.conftest import artifact
from tests.conftest import LiveServer


async def test_unknown_office_page_is_a_friendly_bengali_404(
    live: LiveServer, browser_page: object
) -> None:
    page = browser_page
    response = await page.goto(f"{live.url}/static/common/not_found.html")  # type: ignore[attr-defined]
    assert response is not None
    async with httpx.AsyncClient(base_url=live.url) as client:
        font = await client.get("/static/fonts/bengali-regular.ttf")
        assert font.status_code == 200 and len(font.content) > 10_000
        version = (await client.get("/api/v1/version")).json()["version"]
        assert len(version) == 12
    await page.screenshot(path=str(artifact("shell.png")))  # type: ignore[attr-defined]
