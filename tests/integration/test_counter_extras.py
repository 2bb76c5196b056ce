"""The counter console's reads, the audited phone reveal, device keys and the display feed."""

from __future__ import annotations

import asyncio

import httpx

from server.queue.office import Office
from server.store import models
from tests.conftest import LiveServer, StaffLogin, bearer, store_of


async def issue(client: httpx.AsyncClient, office: Office, key: str, service: str) -> dict:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens",
        json={"service": service, "phone": "01712345678"},
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_console_lists_waiting_in_call_order_and_counts_today(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    staff_login: StaffLogin,
) -> None:
    first = await issue(client, office, keys["kiosk"], "B")
    second = await issue(client, office, keys["kiosk"], "C")
    clerk = await staff_login(role="counter")
    url = f"/api/v1/offices/{office.slug}/counters/3/console"
    view = (await clerk.get(url)).json()
    # Assigned policy: C was given counter 3 at issue, B counter 2; this counter calls
    # its own queue first, then takes from its services' queues.
    assert [t["id"] for t in view["waiting"]] == [second["id"], first["id"]]
    assert [t["position"] for t in view["waiting"]] == [1, 2]
    assert view["waiting_total"] == 2 and view["token"] is None
    assert view["counter"]["services"] == ["B", "C"]
    called = await clerk.post(f"/api/v1/offices/{office.slug}/counters/3/call-next")
    assert called.json()["id"] == second["id"]
    await clerk.post(f"/api/v1/offices/{office.slug}/tokens/{second['id']}/complete")
    events = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    persister = live.app.state.runtime["persister"]  # type: ignore[attr-defined]
    await asyncio.wait_for(persister.processed(office.slug, events[-1][0]), 150)
    view = (await clerk.get(url)).json()
    assert view["today"]["called"] == 1 and view["today"]["completed"] == 1
    assert [t["id"] for t in view["waiting"]] == [first["id"]]
    assert (
        await client.get(f"/api/v1/offices/{office.slug}/counters/3/console")
    ).status_code == 401


async def test_full_phone_only_at_the_counter_and_every_look_audited(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str], staff_login: StaffLogin
) -> None:
    token = await issue(client, office, keys["kiosk"], "B")
    clerk = await staff_login(role="counter", name="রহিম")
    url = f"/api/v1/offices/{office.slug}/tokens/{token['id']}/phone"
    early = await clerk.post(url)
    assert early.status_code == 409 and early.json()["error"]["status"] == "waiting"
    await clerk.post(f"/api/v1/offices/{office.slug}/counters/2/call-next")
    shown = await clerk.post(url)
    assert shown.status_code == 200 and shown.json()["phone"] == "+8801712345678"
    assert shown.headers["cache-control"] == "no-store"
    audit = await models.AuditLog.filter(office_id=office.slug, action="phone.revealed")
    assert [(a.target, a.role, a.actor_name) for a in audit] == [(token["id"], "counter", "রহিম")]
    assert (await client.post(url)).status_code == 401


async def test_admin_creates_a_display_key_counter_staff_cannot(
    client: httpx.AsyncClient, office: Office, staff_login: StaffLogin
) -> None:
    url = f"/api/v1/offices/{office.slug}/devices"
    admin = await staff_login(role="admin")
    made = await admin.post(url, json={"role": "display", "label": "hall TV"})
    assert made.status_code == 201
    key = made.json()["key"]
    assert (await admin.post(url, json={"role": "admin"})).status_code == 400
    display = await client.get("/api/v1/auth/me", headers=bearer(key))
    assert display.json()["role"] == "display"
    clerk = await staff_login(role="counter")
    assert (await clerk.post(url, json={"role": "display"})).status_code == 403


async def test_display_feed_is_redacted(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    token = await issue(client, office, keys["kiosk"], "B")
    await client.post(
        f"/api/v1/offices/{office.slug}/counters/2/call-next", headers=bearer(keys["counter"])
    )
    snap = (await client.get(f"/api/v1/offices/{office.slug}/display")).json()
    assert snap["office"]["slug"] == office.slug
    shown = next(c for c in snap["counters"] if c["number"] == 2)["token"]
    assert shown["display_bn"] == "খ-০০১" and "id" not in shown
    assert snap["recent"][0] == {"token": shown, "counter": 2}
    text = str(snap)
    assert "phone" not in text and "1712345678" not in text and "priority" not in text
    assert token["id"] not in text
    page = await client.get(f"/display/{office.slug}")
    assert page.status_code == 200 and "খ-০০১" in page.text and "5678" not in page.text
    assert token["id"] not in page.text
