"""The kiosk's server side: its snapshot, device keys made by an admin, tracking and QR."""

from __future__ import annotations

import httpx

from server.queue.office import Office
from tests.conftest import LiveServer, StaffLogin, bearer
from tests.integration.realtime_client import recv, ws_connect


async def test_an_admin_creates_a_kiosk_key_that_can_issue_tokens(
    client: httpx.AsyncClient, office: Office, staff_login: StaffLogin
) -> None:
    path = f"/api/v1/offices/{office.slug}/devices"
    assert (await client.post(path, json={})).status_code == 401
    admin = await staff_login(role="admin")
    response = await admin.post(path, json={"role": "kiosk", "label": "ground floor"})
    assert response.status_code == 201
    key = response.json()["key"]
    issued = await client.post(
        f"/api/v1/offices/{office.slug}/tokens",
        json={"service": "A", "phone": "01712345678"},
        headers=bearer(key),
    )
    assert issued.status_code == 201
    assert (await admin.post(path, json={"role": "admin"})).status_code == 400


async def test_counter_staff_cannot_create_device_keys(
    office: Office, staff_login: StaffLogin
) -> None:
    clerk = await staff_login(role="counter")
    response = await clerk.post(f"/api/v1/offices/{office.slug}/devices", json={})
    assert response.status_code == 403


async def test_kiosk_snapshot_has_waits_charter_and_printer(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    for phone in ("01712345678", "01812345678"):
        await client.post(
            f"/api/v1/offices/{office.slug}/tokens",
            json={"service": "B", "phone": phone},
            headers=bearer(keys["kiosk"]),
        )
    snapshot = (await client.get(f"/api/v1/offices/{office.slug}/kiosk")).json()
    assert snapshot["office"]["slug"] == office.slug
    assert snapshot["printer"]["state"] in ("ok", "paper_out", "offline")
    service = next(s for s in snapshot["services"] if s["code"] == "B")
    assert service["waiting"] == 2 and service["eta_minutes"] > 0
    assert service["documents_bn"] == list(office.services["B"].documents_bn)
    assert "phone" not in str(snapshot)


async def test_kiosk_channel_snapshot_is_the_kiosk_state_charter_included(
    live: LiveServer, client: httpx.AsyncClient, office: Office
) -> None:
    async with ws_connect(live.ws_url, office.slug, "kiosk") as ws:
        sent = await recv(ws)
    assert sent["type"] == "snapshot"
    assert sent["data"] == (await client.get(f"/api/v1/offices/{office.slug}/kiosk")).json()
    service = next(s for s in sent["data"]["services"] if s["code"] == "B")
    assert service["documents_bn"] == list(office.services["B"].documents_bn)
    assert service["fee_bn"] == office.services["B"].fee_bn


async def test_tracking_page_qr_and_friendly_404(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    token = (
        await client.post(
            f"/api/v1/offices/{office.slug}/tokens",
            json={"service": "A", "phone": "01712345678"},
            headers=bearer(keys["kiosk"]),
        )
    ).json()
    page = await client.get(f"/t/{token['id']}")
    assert page.status_code == 200 and token["id"] in page.text
    assert "+880" not in page.text and "phone_masked" not in page.text
    qr = await client.get(f"/t/{token['id']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content
    missing = await client.get("/t/no-such-token")
    assert missing.status_code == 404 and "পাওয়া যায়নি" in missing.text
    assert (await client.get("/t/no-such-token/qr.svg")).status_code == 404
    assert (await client.get("/kiosk/no-such-office")).status_code == 404
