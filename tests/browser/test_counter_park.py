"""The counter console's park / unpark buttons and calling a waiting token out of order with
a reason, in Chromium against the real server; Bengali first, English on the toggle."""

from __future__ import annotations

import json
from typing import Any

from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.browser.test_counter import clerk, issue, log_in
from tests.conftest import LiveServer, store_of


async def out_of_order_calls(live: LiveServer, office: Office) -> list[tuple[str, str]]:
    entries = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    called = [json.loads(f["data"]) for _, f in entries if f["type"] == "token.called"]
    return [(c["token"]["id"], c["reason"]) for c in called if c.get("out_of_order")]


async def test_park_unpark_and_call_out_of_order_with_a_reason(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    first, second, third = [await issue(live, office, keys["kiosk"]) for _ in range(3)]
    await log_in(page, live, office, await clerk(office), 2)
    await page.locator("#waiting li").nth(2).wait_for()
    park, unpark = page.locator("[data-action=park]"), page.locator("[data-action=unpark]")
    out_of_order = page.locator("[data-action=call-token]")
    assert await park.locator("kbd").inner_text() == "H"
    assert await unpark.locator("kbd").inner_text() == "U"
    assert await out_of_order.locator("kbd").inner_text() == "O"
    assert await park.is_disabled() and await unpark.is_disabled()
    assert await out_of_order.is_enabled()
    assert await page.locator("#parked-box").is_hidden()

    # The citizen of খ-০০১ has to fetch a paper: parked, the counter is free again.
    await page.keyboard.press("n")
    await page.locator("#now-token", has_text="খ-০০১").wait_for()
    await page.locator("[data-action=call-token]:disabled").wait_for()
    assert await page.locator(f"[data-call-token='{second['id']}']").is_disabled()
    await page.keyboard.press("h")
    await page.locator("#now-empty:not([hidden])").wait_for()
    await page.locator("#parked li", has_text="খ-০০১").wait_for()
    assert await page.locator("#parked-total").inner_text() == "১"
    await page.locator("[data-action=unpark]:not(:disabled)").wait_for()
    assert await page.locator("#waiting li").count() == 2

    # খ-০০৩ out of order, from its row: no reason is refused in Bengali, then one is chosen.
    await page.click(f"[data-call-token='{third['id']}']")
    dialog = page.locator("#out-of-order[open]")
    await dialog.wait_for()
    assert await page.locator("#ooo-token").input_value() == third["id"]
    await dialog.locator("button[value=call]").click()
    await page.locator("#ooo-error", has_text="কেন এই নাগরিককে আগে ডাকছেন").wait_for()
    await page.keyboard.press("n")  # typing in the dialog is not a console shortcut
    assert await page.locator("#ooo-reason").input_value() == "n"
    await dialog.locator("#ooo-reasons button", has_text="বয়স্ক নাগরিক").click()
    await page.screenshot(path=str(artifact("counter-out-of-order.png")))
    await dialog.locator("button[value=call]").click()
    await page.locator("#now-token", has_text="খ-০০৩").wait_for()
    assert await page.locator("#out-of-order").get_attribute("open") is None
    await page.screenshot(path=str(artifact("counter-parked.png")))
    assert await out_of_order_calls(live, office) == [(third["id"], "বয়স্ক নাগরিক")]

    # খ-০০১ is back: unparked by key, they are first in this counter's line again.
    await page.keyboard.press("c")
    await page.locator("#now-empty:not([hidden])").wait_for()
    await page.keyboard.press("u")
    await page.locator("#parked-box").wait_for(state="hidden")
    await page.locator("#waiting li").first.filter(has_text="খ-০০১").wait_for()
    assert await page.locator("[data-action=unpark]").is_disabled()

    # By keyboard: O opens the dialog on the head of the line; another token is picked and
    # the reason typed, Enter calls it.
    await page.keyboard.press("o")
    await dialog.wait_for()
    assert await page.locator("#ooo-token").input_value() == first["id"]
    await page.locator("#ooo-token").select_option(second["id"])
    await page.locator("#ooo-reason").fill("শুধু স্বাক্ষর বাকি")
    await page.locator("#ooo-reason").press("Enter")
    await page.locator("#now-token", has_text="খ-০০২").wait_for()
    assert (await out_of_order_calls(live, office))[1] == (second["id"], "শুধু স্বাক্ষর বাকি")

    # Escape closes the dialog without calling anyone.
    await page.keyboard.press("s")
    await page.locator("#now-status[data-state=serving]").wait_for()
    await page.keyboard.press("h")  # parked while being served, too
    await page.locator("#parked li", has_text="খ-০০২").wait_for()
    await page.keyboard.press("o")
    await dialog.wait_for()
    await page.keyboard.press("Escape")
    await page.locator("#out-of-order:not([open])").wait_for(state="attached")
    assert await page.locator("#now-empty").is_visible()

    # In English: the same buttons and the parked list, with Latin token codes.
    await page.click(".lang-toggle")
    await park.locator(".label", has_text="Park").wait_for()
    assert await unpark.locator(".label").inner_text() == "Unpark"
    assert await out_of_order.locator(".label").inner_text() == "Call out of order"
    await page.locator("#parked li", has_text="B-002").wait_for()
    assert "Back: unpark" in await page.locator("#parked li").inner_text()
    await page.locator(f"[data-call-token='{first['id']}']", has_text="Call now").wait_for()
    await page.screenshot(path=str(artifact("counter-parked-en.png")))
    await page.click(f"#parked [data-unpark='{second['id']}']")
    await page.locator("#parked-box").wait_for(state="hidden")
    await page.click(".lang-toggle")
    await page.locator("[data-action=park] .label", has_text="সরিয়ে রাখুন").wait_for()
