"""The counter console in Chromium against the real server: login, actions, keys, sync."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from server.api.auth import hash_password
from server.queue.office import Office
from server.store import models
from tests.browser.conftest import artifact
from tests.conftest import LiveServer, bearer

PASSWORD = "correct horse"


async def clerk(office: Office) -> str:
    username = "clerk-" + secrets.token_hex(4)
    await models.StaffUser.create(
        username=username,
        password_hash=hash_password(PASSWORD),
        role="counter",
        office_id=office.slug,
        display_name="করিম",
    )
    return username


async def issue(live: LiveServer, office: Office, key: str, service: str = "B") -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.url) as client:
        response = await client.post(
            f"/api/v1/offices/{office.slug}/tokens",
            json={"service": service, "phone": "01712345678"},
            headers=bearer(key),
        )
        assert response.status_code == 201, response.text
        return response.json()


async def log_in(page: Any, live: LiveServer, office: Office, username: str, counter: int) -> None:
    await page.goto(f"{live.url}/counter/{office.slug}")
    await page.fill("#login [name=username]", username)
    await page.fill("#login [name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await page.click(f"#picker [data-counter='{counter}']")
    await page.wait_for_selector("#console:not([hidden])")


async def test_bad_login_then_lockout_show_bengali_errors(
    live: LiveServer, office: Office, browser_page: Any
) -> None:
    page = browser_page
    username = await clerk(office)
    await page.goto(f"{live.url}/counter/{office.slug}")
    await page.fill("#login [name=username]", username)
    await page.fill("#login [name=password]", "wrong")
    await page.click("#login button[type=submit]")
    error = page.locator("#login-error")
    await error.filter(has_text="ব্যবহারকারীর নাম বা পাসওয়ার্ড ভুল").wait_for()
    # One attempt after another, as a person types: attempts in flight together are each
    # checked before any of them is counted.
    for _ in range(5):
        async with page.expect_response("**/api/v1/auth/login"):
            await page.click("#login button[type=submit]")
    await error.filter(has_text="অনেকবার ভুল হয়েছে").wait_for()


async def test_call_serve_complete_by_keyboard_with_counts_and_phone_reveal(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    first = await issue(live, office, keys["kiosk"])
    second = await issue(live, office, keys["kiosk"])
    await log_in(page, live, office, await clerk(office), 2)
    await page.locator("#waiting li").nth(1).wait_for()
    assert await page.locator("[data-action=recall]").is_disabled()
    assert "N" in await page.locator("[data-action=call]").inner_text()
    await page.keyboard.press("Space")
    await page.locator("#now-token", has_text="খ-০০১").wait_for()
    assert await page.locator("#now-phone").inner_text() == "০১৭••••৫৬৭৮"
    await page.keyboard.press("s")
    await page.locator("#now-status[data-state=serving]").wait_for()
    assert await page.locator("[data-action=no-show]").is_disabled()
    await page.wait_for_timeout(1500)  # the "since called" clock has ticked
    await page.screenshot(path=str(artifact("counter.png")))
    await page.click("#now-phone")
    await page.locator("#now-phone", has_text="+৮৮০১৭১২৩৪৫৬৭৮").wait_for()
    audit = await models.AuditLog.filter(target=first["id"], action="phone.revealed").count()
    assert audit == 1
    await page.keyboard.press("c")
    await page.locator("#now-empty:not([hidden])").wait_for()
    await page.keyboard.press("n")
    await page.locator("#now-token", has_text="খ-০০২").wait_for()
    assert second["display_bn"] == "খ-০০২"
    await page.keyboard.press("x")
    await page.locator("#today dd").first.filter(has_text="২").wait_for()
    await page.keyboard.press("p")
    await page.locator("#counter-state[data-state=paused]").wait_for()
    assert await page.locator("[data-action=call]").is_disabled()
    await page.keyboard.press("p")
    await page.locator("#counter-state[data-state=open]").wait_for()


async def test_transfer_to_another_service_and_priority(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    token = await issue(live, office, keys["kiosk"])
    later = await issue(live, office, keys["kiosk"])
    await log_in(page, live, office, await clerk(office), 3)
    await page.click(f"#waiting [data-prioritise='{later['id']}']")
    await page.locator(f"#waiting [data-prioritise='{later['id']}']:disabled").wait_for()
    await page.locator("#waiting li").first.filter(has_text="খ-০০২").wait_for()
    await page.keyboard.press("n")
    await page.locator("#now-token", has_text="খ-০০২").wait_for()
    await page.keyboard.press("t")
    await page.locator("#transfer-services button", has_text="C ·").click()
    await page.locator("#now-empty:not([hidden])").wait_for()
    async with httpx.AsyncClient(base_url=live.url) as client:
        moved = (await client.get(f"/api/v1/tokens/{later['id']}")).json()
    assert (moved["service"], moved["status"]) == ("C", "waiting")
    assert token["id"] != later["id"]


async def test_two_tabs_on_one_counter_stay_in_sync_and_a_409_refreshes(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    one = browser_page
    await issue(live, office, keys["kiosk"])
    await log_in(one, live, office, await clerk(office), 2)
    two = await one.context.new_page()
    await two.goto(f"{live.url}/counter/{office.slug}")
    await two.wait_for_selector("#console:not([hidden])")  # counter remembered
    await one.keyboard.press("n")
    await two.locator("#now-token", has_text="খ-০০১").wait_for(timeout=2000)
    await two.locator("[data-action=complete]:not(:disabled)").wait_for()
    # Tab two keeps seeing the old state until it acts: its refreshes are answered from a
    # stale copy until its own "complete" goes out, which then meets the server's 409.
    stale = await (
        await two.request.get(f"{live.url}/api/v1/offices/{office.slug}/counters/2/console")
    ).body()
    acted = False

    async def console_route(route: Any) -> None:
        if acted:
            await route.continue_()
        else:
            await route.fulfill(body=stale, content_type="application/json")

    async def complete_route(route: Any) -> None:
        nonlocal acted
        acted = True
        await route.continue_()

    await two.route("**/counters/2/console", console_route)
    await two.route("**/tokens/*/complete", complete_route)
    await one.keyboard.press("c")
    await one.locator("#now-empty:not([hidden])").wait_for()
    await two.click("[data-action=complete]")
    await two.locator("#notice", has_text="অন্য কেউ আগেই").wait_for()
    await two.locator("#now-empty:not([hidden])").wait_for()
    await two.click("#logout")
    await two.wait_for_selector("#login:not([hidden])")
    await two.reload()
    await two.wait_for_selector("#login:not([hidden])")
