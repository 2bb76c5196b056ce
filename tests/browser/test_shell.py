"""The not-found page: a wrong address answers 404 with a Bengali page (English below it),
never a stack trace, a 500 or raw JSON in front of a citizen."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import artifact
from tests.conftest import LiveServer

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HEADING = "দুঃখিত, পাওয়া যায়নি"
ENGLISH = "Sorry, this page was not found."


@pytest.mark.parametrize(
    "path",
    [
        "/kiosk/nowhere",
        "/kiosk/nowhere/setup",
        "/counter/nowhere",
        "/display/nowhere",
        "/display/nowhere/setup",
        "/dc/nowhere",
        "/kiosk/nowhere?idle=abc",
        "/counter/%E0%A6%95%E0%A6%BF",  # a Bengali office name
        "/kiosk/%ff",
        "/t/no-such-token",
        "/t/" + "x" * 80,
        # Addresses no route knows.
        "/",
        "/nowhere",
        "/kiosk/",
        "/kiosk/nowhere/extra",
        "/counter",
    ],
)
async def test_a_wrong_page_address_answers_404_with_the_not_found_page(
    live: LiveServer, path: str
) -> None:
    async with httpx.AsyncClient(base_url=live.url) as client:
        response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("text/html")
    text = response.text
    assert '<html lang="bn">' in text and HEADING in text and ENGLISH in text
    assert "{%" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/nowhere", "application/json"),
        ("/nowhere", "*/*"),
        ("/api/v1/nowhere", BROWSER_ACCEPT),
        ("/static/common/nowhere.js", BROWSER_ACCEPT),
        ("/api/v1/offices/nowhere", BROWSER_ACCEPT),
    ],
)
async def test_programs_still_get_the_json_error_shape(
    live: LiveServer, path: str, accept: str
) -> None:
    async with httpx.AsyncClient(base_url=live.url) as client:
        response = await client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_the_not_found_page_renders_bengali_with_the_served_font(
    live: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    response = await page.goto(f"{live.url}/kiosk/nowhere")
    assert response is not None and response.status == 404
    assert await page.title() == "পাওয়া যায়নি"
    heading = page.locator("h1")
    assert await heading.inner_text() == HEADING
    assert await heading.is_visible()
    box = await heading.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 10
    english = page.locator("p[lang=en]")
    assert await english.inner_text() == (ENGLISH + " Check the address or ask at the help desk.")
    assert await english.is_visible()
    # The Bengali face the server ships is what draws the text, on a screen with no Bengali
    # font of its own too.
    await page.evaluate("document.fonts.ready")
    loaded = await page.evaluate(
        """() => [...document.fonts]
            .filter((f) => f.family.includes("Sheba Bengali") && f.status === "loaded")
            .map((f) => f.weight)"""
    )
    assert "400" in loaded
    assert await page.evaluate("document.fonts.check('32px \"Sheba Bengali\"', 'পাওয়া')")
    family = await heading.evaluate("(h) => getComputedStyle(h).fontFamily")
    assert family.startswith('"Sheba Bengali"')
    await page.screenshot(path=str(artifact("not_found.png")))
