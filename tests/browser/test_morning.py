"""The issue's "done when", as a test: the demo office in one Chromium, four counter consoles
(one per counter, each logged in through the form) and the hall display. A morning of 40
tokens is called, recalled, transferred, served, completed and marked no-show by hand, on
the consoles' keys and buttons; the display shows and announces every call in the order it
was made, and never carries a phone number, a name or a token's private id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from server.bengali import to_bn_digits
from server.queue.office import Office
from tests.browser.conftest import artifact
from tests.browser.test_counter import clerk, log_in
from tests.browser.test_display import open_display
from tests.conftest import LiveServer, bearer

# 40 tokens over the demo office's services, in the order citizens take them at the kiosk.
# Counter 1 serves A, F, G; counter 2 B; counter 3 B, C; counter 4 D, E, F.
MORNING = "ABDBCAFBGDEBCABFDGBEACBDFBGCAEBDBFGCDAEB"
# Every phone ends in 5678, which the display must never show in either script.
FORBIDDEN = ("5678", "৫৬৭৮", "phone", "করিম", "রহিমা")
# Where a transfer sends a token of each service (the picker lists the other services).
TRANSFER_TO = {"A": "F", "B": "C", "C": "B", "D": "E", "E": "D", "F": "G", "G": "A"}
CHIME = "/api/v1/announce/chime.wav"
# The display's one <audio> plays this much faster than a hall would hear it.
PLAYBACK_RATE = 16


@dataclass
class Desk:
    """One counter's console tab and what the test expects it to count."""

    number: int
    page: Any
    token: dict[str, Any] | None = None
    todo: list[str] = field(default_factory=list)
    today: Counter[str] = field(default_factory=Counter)


@dataclass
class Morning:
    office: Office
    display: Any
    frames: list[dict[str, Any]]
    arrived: asyncio.Event
    calls: list[tuple[str, str, int]] = field(default_factory=list)  # (type, display, counter)
    final: dict[str, str] = field(default_factory=dict)  # token id -> completed | no_show
    transferred: set[str] = field(default_factory=set)
    steps: int = 0


def plan(k: int, transferred: bool) -> list[str]:
    """What the clerk does with the k-th call of the morning (recalls come before serving)."""
    if k % 11 == 7:
        return ["recall", "recall", "no-show"]
    if k % 7 == 3 and not transferred:
        return ["transfer-service" if k % 2 else "transfer-counter"]
    if k % 5 == 1:
        return ["recall", "serve", "complete"]
    if k % 9 == 5:
        return ["no-show"]
    return ["serve", "complete"] if k % 2 == 0 else ["complete"]


async def issue_morning(live: LiveServer, office: Office, key: str) -> list[dict[str, Any]]:
    tokens = []
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(key)) as client:
        for i, service in enumerate(MORNING):
            response = await client.post(
                f"/api/v1/offices/{office.slug}/tokens",
                json={"service": service, "phone": f"017{i:04d}5678"},
            )
            assert response.status_code == 201, response.text
            tokens.append(response.json())
        # A citizen asks to meet the DC: a name and a purpose now exist in the office too.
        asked = await client.post(
            f"/api/v1/offices/{office.slug}/meetings",
            json={"official": "dc", "phone": "01812345678", "name": "রহিমা খাতুন", "purpose": "land"},
        )
        assert asked.status_code == 201, asked.text
    return tokens


async def reached_display(morning: Morning, what: str) -> None:
    """Wait until the display's socket has brought as many calls as were made."""
    try:
        async with asyncio.timeout(10):
            while len(morning.frames) < len(morning.calls):
                morning.arrived.clear()
                await morning.arrived.wait()
    except TimeoutError:
        raise AssertionError(f"{what} never reached the display") from None


async def shown_on_display(
    morning: Morning, kind: str, token: dict[str, Any], counter: int
) -> None:
    """Wait, as the clerk would glance at the hall screen, until the call is there."""
    morning.calls.append((kind, token["display"], counter))
    await reached_display(morning, f"{kind} {token['display']} at counter {counter}")
    tile = morning.display.locator(f".tile[data-counter='{counter}']")
    await tile.locator(".tile-token", has_text=token["display_bn"]).wait_for(timeout=5000)
    await morning.display.locator(f".tile[data-counter='{counter}'].flash").wait_for(timeout=5000)


async def acted(page: Any, path: str, act: Any) -> dict[str, Any] | None:
    """Do `act` on the console and return the JSON of the command it sent (None for 204)."""
    async with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path), timeout=10000
    ) as info:
        await act()
    response = await info.value
    assert response.status in (200, 204), (path, response.status, await response.text())
    return None if response.status == 204 else await response.json()


async def call_next(morning: Morning, desk: Desk) -> bool:
    page = desk.page
    if await page.locator("[data-action=call]").is_disabled():
        return False
    how = morning.steps % 3
    try:
        token = await acted(
            page,
            f"/counters/{desk.number}/call-next",
            lambda: page.click("[data-action=call]") if how == 0 else page.keyboard.press("n"),
        )
    except PlaywrightTimeout:
        return False  # another counter took the last one just before this key press
    if token is None:
        return False
    assert token["status"] == "called" and token["counter"] == desk.number
    await page.locator("#now-token", has_text=token["display_bn"]).wait_for()
    desk.token = token
    desk.today["called"] += 1
    k = len([c for c in morning.calls if c[0] == "called"])
    desk.todo = plan(k, token["id"] in morning.transferred)
    await shown_on_display(morning, "called", token, desk.number)
    return True


async def any_can_call(desks: list[Desk]) -> None:
    """Until some console's call button is enabled: consoles catch up with their
    colleagues' calls through the live feed."""
    waits = [
        asyncio.ensure_future(
            desk.page.locator("[data-action=call]:enabled").wait_for(timeout=30_000)
        )
        for desk in desks
    ]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*waits, return_exceptions=True)


async def next_step(morning: Morning, desk: Desk) -> None:
    page, token = desk.page, desk.token
    assert token is not None
    step = desk.todo.pop(0)
    base = f"/tokens/{token['id']}"
    if step == "recall":
        again = await acted(page, f"{base}/recall", lambda: page.keyboard.press("r"))
        assert again is not None
        desk.today["recalled"] += 1
        await shown_on_display(morning, "recalled", again, desk.number)
        if again["recalls"] == 2:
            # The office allows two recalls: the console says so before the server has to.
            await page.locator("[data-action=recall]:disabled").wait_for()
    elif step == "serve":
        await acted(page, f"{base}/serve", lambda: page.keyboard.press("s"))
        await page.locator("#now-status[data-state=serving]").wait_for()
    elif step in ("complete", "no-show"):
        key = "c" if step == "complete" else "x"
        by_click = morning.steps % 2 == 0
        done = await acted(
            page,
            f"{base}/{step}",
            lambda: page.click(f"[data-action={step}]") if by_click else page.keyboard.press(key),
        )
        assert done is not None
        morning.final[token["id"]] = done["status"]
        desk.today["completed" if step == "complete" else "no_show"] += 1
        desk.token = None
    else:
        await page.keyboard.press("t")
        if step == "transfer-service":
            target = TRANSFER_TO[token["service"]]
            choice = page.locator("#transfer-services button", has_text=f"{target} ·")
        else:
            target = to_bn_digits(desk.number % 4 + 1)
            choice = page.locator("#transfer-counters button", has_text=f"কাউন্টার {target}")
        moved = await acted(page, f"{base}/transfer", choice.click)
        assert moved is not None and moved["status"] == "waiting"
        morning.transferred.add(token["id"])
        desk.token = None
    if desk.token is None:
        await page.locator("#now-empty:not([hidden])").wait_for()


async def display_is_clean(morning: Morning, tokens: list[dict[str, Any]]) -> None:
    html = await morning.display.content()
    for text in FORBIDDEN:
        assert text not in html, text
    for token in tokens:
        assert token["id"] not in html


@pytest.mark.one_backend
async def test_a_morning_of_forty_tokens_by_hand(
    live: LiveServer, office: Office, keys: dict[str, str], chromium: Any
) -> None:
    started = time.monotonic()
    tokens = await issue_morning(live, office, keys["kiosk"])
    display = await open_display(chromium, live, office)
    await display.evaluate(
        f"document.getElementById('announcer').defaultPlaybackRate = {PLAYBACK_RATE}"
    )
    # What reaches the display over its socket, read from the browser's own network log.
    frames: list[dict[str, Any]] = []
    arrived = asyncio.Event()

    def received(event: dict[str, Any]) -> None:
        message = json.loads(event["response"]["payloadData"])
        if message.get("type") in ("token.called", "token.recalled"):
            frames.append(message)
            arrived.set()

    cdp = await display.context.new_cdp_session(display)
    cdp.on("Network.webSocketFrameReceived", received)
    await cdp.send("Network.enable")
    morning = Morning(office, display, frames, arrived)
    desks = []
    try:
        for number in (1, 2, 3, 4):
            context = await chromium.new_context(
                viewport={"width": 1600, "height": 900}, locale="bn-BD", timezone_id="Asia/Dhaka"
            )
            page = await context.new_page()
            page.on("pageerror", lambda error: print("console page error:", error))
            await log_in(page, live, office, await clerk(office), number)
            desks.append(Desk(number, page))
        await desks[0].page.locator("#waiting li").first.wait_for()

        idle_rounds = 0
        while len(morning.final) < len(tokens):
            assert time.monotonic() - started < 240, f"{len(morning.final)} tokens done"
            progress = False
            for desk in desks:
                if desk.token is None:
                    progress |= await call_next(morning, desk)
                else:
                    await next_step(morning, desk)
                    progress = True
                morning.steps += 1
                if morning.steps % 8 == 0:
                    await display_is_clean(morning, tokens)
                if morning.steps == 12:
                    await display.screenshot(path=str(artifact("morning-display.png")))
                    await desks[2].page.screenshot(path=str(artifact("morning-counter.png")))
            idle_rounds = 0 if progress else idle_rounds + 1
            if idle_rounds:
                assert idle_rounds < 10, "no counter can call, yet tokens are left"
                await any_can_call(desks)

        assert set(morning.final) == {t["id"] for t in tokens}
        assert set(morning.final.values()) == {"completed", "no_show"}
        assert morning.transferred and sum(d.today["recalled"] for d in desks) >= 5

        # Every call and recall reached the display, in the order made...
        seen = [
            (m["type"].removeprefix("token."), m["data"]["token"]["display"], m["data"]["counter"])
            for m in frames
        ]
        assert seen == morning.calls
        # ...and was announced, one after another, in that order.
        base = f"/api/v1/offices/{office.slug}/announce"
        expected = [s for _, code, n in morning.calls for s in (CHIME, f"{base}/{code}/{n}.wav")]
        with contextlib.suppress(PlaywrightTimeout):
            await display.wait_for_function(
                f"window.played.length >= {len(expected)}", timeout=30000, polling=100
            )
        assert await display.evaluate("window.played") == expected
        await display_is_clean(morning, tokens)

        # Today's counts on each console agree with what its clerk did (they are read from
        # the event history, which the server writes a moment after the events).
        events = await live.app.state.runtime["store"].redis.xrevrange(  # type: ignore[attr-defined]
            f"sheba:{{{office.slug}}}:events", count=1
        )
        persister = live.app.state.runtime["persister"]  # type: ignore[attr-defined]
        await asyncio.wait_for(persister.processed(office.slug, events[0][0]), 60)
        for desk in desks:
            want = [desk.today[k] for k in ("called", "completed", "no_show", "recalled")]
            await desk.page.wait_for_function(
                "want => [...document.querySelectorAll('#today dd')].map(d => d.textContent)"
                ".join() === want",
                arg=",".join(to_bn_digits(n) for n in want),
                timeout=40000,
            )
            await desk.page.locator("#waiting-total", has_text="০").wait_for()
            await desk.page.locator("#now-empty:not([hidden])").wait_for()
        assert sum(d.today["called"] for d in desks) == len(tokens) + len(morning.transferred)
        await desks[0].page.screenshot(path=str(artifact("morning-counter-end.png")))
        print(
            f"morning: {len(morning.calls)} calls and recalls, {len(morning.transferred)} "
            f"transfers, {morning.steps} steps in {time.monotonic() - started:.1f} s"
        )
    finally:
        for desk in desks:
            await desk.page.context.close()
        await display.context.close()
