"""The official's screen in Chromium against the real server: live requests, two-click
answers, one official's requests hidden from another, and the screenshot for the README."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from server.api.auth import hash_password
from server.queue import domain
from server.queue.office import Office
from server.store import models
from tests.browser.conftest import artifact
from tests.conftest import LiveServer, bearer, store_of

PASSWORD = "correct horse"


async def official_user(office: Office, slug: str) -> str:
    username = f"{slug}-{secrets.token_hex(4)}"
    await models.StaffUser.create(
        username=username,
        password_hash=hash_password(PASSWORD),
        role="official",
        office_id=office.slug,
        official_slug=slug,
        display_name="ড. আশরাফুল আলম" if slug == "dc" else "কর্মকর্তা",
    )
    return username


async def ask(
    live: LiveServer,
    office: Office,
    key: str,
    *,
    official: str = "dc",
    phone: str = "01712345678",
    name: str = "রহিম উদ্দিন",
    purpose: str = "land",
    details: str = "জমির নামজারি নিয়ে কথা বলতে চাই",
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.url) as client:
        response = await client.post(
            f"/api/v1/offices/{office.slug}/meetings",
            json={
                "official": official,
                "phone": phone,
                "name": name,
                "purpose": purpose,
                "details": details,
            },
            headers=bearer(key),
        )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def track(live: LiveServer, meeting_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.url) as client:
        return (await client.get(f"/api/v1/meetings/{meeting_id}")).json()  # type: ignore[no-any-return]


async def log_in(page: Any, live: LiveServer, office: Office, username: str) -> None:
    await page.goto(f"{live.url}/dc/{office.slug}")
    await page.fill("#login [name=username]", username)
    await page.fill("#login [name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#screen:not([hidden])")
    await (
        page.locator("#official-name", has_text="জেলা প্রশাসক")
        .or_(page.locator("#official-name", has_text="অতিরিক্ত"))
        .wait_for()
    )


async def stream_types(live: LiveServer, office: Office) -> list[str]:
    entries = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    return [fields["type"] for _, fields in entries]


async def test_a_request_appears_live_is_marked_seen_and_scheduled_in_two_clicks(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    await log_in(page, live, office, await official_user(office, "dc"))
    await page.locator("#waiting-count", has_text="০").wait_for()
    meeting = await ask(live, office, keys["kiosk"])
    started = time.monotonic()
    row = page.locator(f"#pending li[data-id='{meeting['id']}']")
    await row.wait_for(timeout=1000)
    assert time.monotonic() - started < 1.0
    await page.locator("#waiting-count", has_text="১").wait_for(timeout=1000)
    assert await row.locator(".req-name").inner_text() == "রহিম উদ্দিন"
    assert await row.locator(".phone").inner_text() == "০১৭••••৫৬৭৮"
    assert await row.locator(".purpose").inner_text() == "জমিজমা সংক্রান্ত"
    assert "fresh" in (await row.get_attribute("class") or "")
    for _ in range(50):
        if (await track(live, meeting["id"]))["seen"]:
            break
        await asyncio.sleep(0.1)
    assert (await track(live, meeting["id"]))["seen"] is True

    # Reveal the phone: the full number, audited.
    await row.locator(".phone").click()
    await row.locator(".phone", has_text="+৮৮০১৭১২৩৪৫৬৭৮").wait_for()
    audited = models.AuditLog.filter(action="meeting.phone_revealed", target=meeting["id"])
    assert await audited.count() == 1

    # Two clicks: "give a time", then the first free slot.
    await row.locator("[data-act=slots]").click()
    slot = row.locator(".btn.slot").first
    at = await slot.get_attribute("data-at")
    await slot.click()
    await page.locator("#waiting-count", has_text="০").wait_for()
    await page.locator(f"#schedule li[data-id='{meeting['id']}']").wait_for()
    assert await page.locator("#pending li").count() == 0
    assert "meeting.scheduled" in await stream_types(live, office)
    tracked = await track(live, meeting["id"])
    assert (tracked["status"], tracked["at"]) == ("scheduled", at)


async def test_decline_with_a_reason_and_a_taken_slot_reloads_the_slots(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    first = await ask(live, office, keys["kiosk"])
    second = await ask(live, office, keys["kiosk"], phone="01812345678", name="করিম")
    await log_in(page, live, office, await official_user(office, "dc"))
    row = page.locator(f"#pending li[data-id='{first['id']}']")
    await row.locator("[data-act=decline]").click()
    await row.locator("[name=reason]").fill("ভূমি অফিসে যোগাযোগ করুন")
    await row.locator("[data-act=reason][data-code=use_counter]").click()
    await row.wait_for(state="detached")
    tracked = await track(live, first["id"])
    assert (tracked["status"], tracked["reason_code"]) == ("declined", "use_counter")
    assert tracked["reason"] == "ভূমি অফিসে যোগাযোগ করুন"

    # Another screen gives the first free slot meanwhile: the click on it says so and the
    # slots come back without it.
    row = page.locator(f"#pending li[data-id='{second['id']}']")
    await row.locator("[data-act=slots]").click()
    slot = row.locator(".btn.slot").first
    at = await slot.get_attribute("data-at")
    other = await ask(live, office, keys["kiosk"], phone="01912345678")
    async with httpx.AsyncClient(base_url=live.url) as client:
        admin = bearer(keys["admin"])
        done = await client.post(
            f"/api/v1/offices/{office.slug}/meetings/{other['id']}/schedule",
            json={"at": at},
            headers=admin,
        )
        assert done.status_code == 200, done.text
    await slot.click()
    await row.locator(".panel-error", has_text="সময়টি আর খালি নেই").wait_for()
    await row.locator(".btn.slot").first.wait_for()
    offered = [await s.get_attribute("data-at") for s in await row.locator(".btn.slot").all()]
    assert at not in offered
    assert (await track(live, second["id"]))["status"] == "pending"


async def test_an_official_sees_only_their_own_requests(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    await ask(live, office, keys["kiosk"])
    await log_in(page, live, office, await official_user(office, "adc-general"))
    await page.locator("#pending-empty").wait_for()
    await ask(live, office, keys["kiosk"], phone="01812345678")
    theirs = await ask(live, office, keys["kiosk"], official="adc-general", phone="01912345678")
    await page.locator(f"#pending li[data-id='{theirs['id']}']").wait_for(timeout=1000)
    assert await page.locator("#pending li").count() == 1
    assert await page.locator("#waiting-count").inner_text() == "১"


@dataclass(frozen=True)
class ShiftedClock(domain.Clock):
    """The real time moved by some minutes: requests made "earlier", or a meeting's time
    come, without waiting for it."""

    minutes: float = 0

    def now(self) -> datetime:
        return super().now() + timedelta(minutes=self.minutes)


@contextmanager
def minutes_ago(live: LiveServer, minutes: float) -> Iterator[None]:
    store = store_of(live)
    original = store.clock
    store.clock = ShiftedClock(original.tz, -minutes)
    try:
        yield
    finally:
        store.clock = original


PEOPLE = [
    (52, "মোছা. আমেনা খাতুন", "land", "বাবার নামের জমির খতিয়ানে ভুল সংশোধন"),
    (24, "মো. সাইফুল ইসলাম", "certificate", "মুক্তিযোদ্ধা সনদ যাচাইয়ের জন্য"),
    (12, "নাসির উদ্দিন", "complaint", "ইউনিয়ন পরিষদের ত্রাণ বিতরণে অনিয়ম"),
    (4, "শাহনাজ পারভীন", "personal", ""),
    (1, "আব্দুল করিম মোল্লা", "other", "মেয়ের স্কুলে ভর্তির বিষয়ে পরামর্শ"),
]


async def test_screenshots_of_the_screen_and_the_tracking_page(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any, chromium: Any
) -> None:
    page = browser_page
    made = []
    for n, (ago, name, purpose, details) in enumerate(PEOPLE):
        with minutes_ago(live, ago):
            made.append(
                await ask(
                    live,
                    office,
                    keys["kiosk"],
                    phone=f"0171{n}345678",
                    name=name,
                    purpose=purpose,
                    details=details,
                )
            )
    booked = []
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(keys["admin"])) as client:
        slots = (await client.get(f"/api/v1/offices/{office.slug}/officials/dc/slots")).json()
        free = [s["at"] for d in slots["days"] for s in d["slots"]]
        for n, name in enumerate(["রফিকুল হাসান", "ফারহানা ইয়াসমিন", "জাহিদুল ইসলাম"]):
            meeting = await ask(live, office, keys["kiosk"], phone=f"0181{n}345678", name=name)
            done = await client.post(
                f"/api/v1/offices/{office.slug}/meetings/{meeting['id']}/schedule",
                json={"at": free[n * 3]},
            )
            assert done.status_code == 200, done.text
            booked.append(meeting)
    await log_in(page, live, office, await official_user(office, "dc"))
    await page.locator("#pending li").nth(len(PEOPLE) - 1).wait_for()
    await page.locator("#schedule li").nth(2).wait_for()
    assert "late" in (await page.locator("#pending li").first.get_attribute("class") or "")
    assert "near" in (await page.locator("#pending li").nth(1).get_attribute("class") or "")
    await page.evaluate("document.fonts.ready")
    await page.screenshot(path=artifact("dc.png"))
    await page.locator(f"#pending li[data-id='{made[1]['id']}'] [data-act=slots]").click()
    await page.locator(".btn.slot").first.wait_for()
    await page.screenshot(path=artifact("dc-slots.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    await page.screenshot(path=artifact("dc-1366.png"))

    phone = await chromium.new_context(
        viewport={"width": 390, "height": 780}, locale="bn-BD", timezone_id="Asia/Dhaka"
    )
    try:
        citizen = await phone.new_page()
        await citizen.goto(f"{live.url}/m/{booked[0]['id']}")
        await citizen.locator("#headline", has_text="আপনার সাক্ষাতের সময়").wait_for()
        await citizen.evaluate("document.fonts.ready")
        await citizen.screenshot(path=artifact("meeting-tracking.png"))
        await citizen.goto(f"{live.url}/m/{made[0]['id']}")
        await citizen.locator("#headline", has_text="জেলা প্রশাসক আপনার অনুরোধ দেখেছেন").wait_for()
        missing = await citizen.goto(f"{live.url}/m/no-such-meeting")
        assert missing is not None and missing.status == 404
        assert "খুঁজে পাওয়া যায়নি" in await citizen.content()
    finally:
        await phone.close()


async def test_forward_then_attended_once_the_time_has_come_and_english(
    live: LiveServer, office: Office, keys: dict[str, str], browser_page: Any
) -> None:
    page = browser_page
    sent = await ask(live, office, keys["kiosk"])
    kept = await ask(live, office, keys["kiosk"], phone="01812345678", name="করিম")
    async with httpx.AsyncClient(base_url=live.url, headers=bearer(keys["admin"])) as client:
        slots = (await client.get(f"/api/v1/offices/{office.slug}/officials/dc/slots")).json()
        at = next(s["at"] for d in slots["days"] for s in d["slots"])
        done = await client.post(
            f"/api/v1/offices/{office.slug}/meetings/{kept['id']}/schedule", json={"at": at}
        )
        assert done.status_code == 200, done.text
    await log_in(page, live, office, await official_user(office, "dc"))
    row = page.locator(f"#pending li[data-id='{sent['id']}']")
    await row.locator("[data-act=forward]").click()
    await row.locator("[name=deadline]").select_option("180")
    await row.locator("[data-act=to][data-to=adc-general]").click()
    await row.wait_for(state="detached")
    tracked = await track(live, sent["id"])
    assert (tracked["status"], tracked["official"]["slug"]) == ("pending", "adc-general")

    appointment = page.locator(f"#schedule li[data-id='{kept['id']}']")
    assert await appointment.locator("[data-act=attended]").is_disabled()
    # The meeting's time comes (on the server's clock, which the screen follows).
    store = store_of(live)
    original = store.clock
    ahead = (datetime.fromisoformat(at) - original.now()).total_seconds() / 60
    store.clock = ShiftedClock(original.tz, ahead + 5)
    try:
        await page.reload()
        await appointment.locator("[data-act=attended]:enabled").click()
        await appointment.locator(".pill", has_text="উপস্থিত ছিলেন").wait_for()
        assert (await track(live, kept["id"]))["status"] == "attended"
    finally:
        store.clock = original
    await page.click(".lang-toggle")
    await page.locator("#official-name", has_text="Deputy Commissioner").wait_for()
    await appointment.locator(".pill", has_text="Attended").wait_for()
