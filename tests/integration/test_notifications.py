"""Notifications end to end: real server, Redis, SQL and a real HTTP gateway stand-in."""

from __future__ import annotations

import asyncio
import json

import httpx

from server.api.auth import create_api_key
from server.bengali import to_bn_digits
from server.hardware.sms import open_gateway, sign
from server.notify import Notifications, outbox
from server.notify.transports import SmsTransport
from server.queue.office import Office
from server.realtime.envelope import Event
from server.store.models import AuditLog, Outbox
from server.store.offices import save_office
from tests.conftest import LiveServer, bearer, office_config, store_of
from tests.integration.helpers import settled, transport
from tests.integration.http_stand_in import GatewayStandIn

SECRET = "webhook-secret"


def fast(notices: Notifications, **changes: object) -> None:
    """Short backoff and cool-down so an outage plays out in well under a second."""
    settings = notices.sender.settings.model_copy(
        update={
            "notify_backoff_base_secs": 0.02,
            "notify_backoff_max_secs": 0.1,
            "notify_breaker_failures": 3,
            "notify_breaker_cooldown_secs": 0.1,
            "notify_breaker_max_cooldown_secs": 0.2,
            "sms_rate_per_sec": 0.0,
            **changes,
        }
    )
    notices.sender.settings = settings


async def issue(
    client: httpx.AsyncClient, office: Office, key: str, phone: str, lang: str = "bn"
) -> dict:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens",
        json={"service": "B", "phone": phone, "lang": lang},
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_issue_and_call_reach_the_gateway_in_bengali(
    live: LiveServer, client, office, keys, notices, stand_in
) -> None:
    await notices.sender.replace(transport(stand_in, idempotent=False))
    token = await issue(client, office, keys["kiosk"], "০১৭১২-৩৪৫৬৭৮")
    # "People ahead" is read when the notifier handles the event: let it, before the call.
    await settled(notices, office, 1)
    called = await client.post(
        f"/api/v1/offices/{office.slug}/counters/{token['counter']}/call-next",
        headers=bearer(keys["counter"]),
    )
    assert called.status_code == 200
    rows = await settled(notices, office, 2)
    assert [r.template for r in rows] == ["token.issued", "token.called"]
    bodies = [r.json for r in stand_in.requests]
    assert [b["to"] for b in bodies] == ["+8801712345678"] * 2
    assert bodies[0]["text"] == (
        f"টোকেন খ-০০১: খতিয়ান/পর্চার সার্টিফাইড কপি।\nআপনার আগে ০ জন।\nদেখুন: {live.url}/t/{token['id']}"
    )
    counter_bn = to_bn_digits(token["counter"])
    assert bodies[1]["text"] == f"আপনার পালা! টোকেন খ-০০১: কাউন্টার {counter_bn}-এ আসুন।"
    assert {b["coding"] for b in bodies} == {"ucs2"}
    assert stand_in.requests[0].headers["content-type"] == "application/json"
    assert all(r.state == "sent" and r.attempts == 1 and r.parts >= 1 for r in rows)


async def pooled_office(live: LiveServer) -> Office:
    office = office_config(policy="pooled")
    await save_office(office)
    await store_of(live).install_office(office)
    return office


async def test_next_but_two_is_told_once(live, client, notices, stand_in) -> None:
    office = await pooled_office(live)
    kiosk = await create_api_key(store_of(live).redis, office.slug, "kiosk")
    staff = await create_api_key(store_of(live).redis, office.slug, "counter")
    tokens = [await issue(client, office, kiosk, f"0171100000{i}") for i in range(5)]
    called = await client.post(
        f"/api/v1/offices/{office.slug}/counters/2/call-next", headers=bearer(staff)
    )
    assert called.json()["id"] == tokens[0]["id"]
    events = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    notifier = live.app.state.runtime["notifier"]  # type: ignore[attr-defined]
    await asyncio.wait_for(notifier.processed(office.slug, events[-1][0]), 150)
    nexts = await Outbox.filter(office_id=office.slug, template="token.next")
    assert [n.token_id for n in nexts] == [tokens[3]["id"]]
    assert nexts[0].text.startswith("টোকেন খ-০০৪: আপনার আগে আর ২ জন।")
    # The same event delivered again queues nothing new.
    await notifier.handler(Event.from_entry(office.slug, events[-1][0], events[-1][1]))
    assert await Outbox.filter(office_id=office.slug, template="token.next").count() == 1


async def test_gateway_outage_delivers_everything_in_order_once(
    live, client, office, keys, notices, stand_in
) -> None:
    fast(notices)
    stand_in.answer(500, {"error": "down"})
    await notices.sender.replace(transport(stand_in, idempotent=False))
    for i in range(4):
        await issue(client, office, keys["kiosk"], f"0181200000{i}")
    breaker = notices.sender.breakers["sms"]

    async def opened_and_probed() -> bool:
        return breaker.state == "open" and len(stand_in.requests) >= 4

    await asyncio.wait_for(notices.sender.wait_until(opened_and_probed), 30)
    recovered_at = len(stand_in.requests)
    stand_in.answer(200, {"id": "m-1"})
    rows = await settled(notices, office, 4)
    mine = {r.phone for r in rows}
    delivered = [r.json["text"] for r in stand_in.requests[recovered_at:] if r.json["to"] in mine]
    assert delivered == [r.text for r in rows]  # in order, each exactly once
    assert all(r.state == "sent" for r in rows)
    assert all(1 <= r.attempts < 6 for r in rows)


async def kill_mid_send(
    notices: Notifications, stand_in: GatewayStandIn, idempotent: bool, client, office, keys
) -> Outbox:
    """Start a send that the gateway receives but never answers, then stop the sender."""
    stand_in.hang()
    await notices.sender.replace(transport(stand_in, idempotent=idempotent))
    await issue(client, office, keys["kiosk"], "01912345678")
    for _ in range(1000):  # the stand-in has no event to await; bounded, 10 s at most
        if stand_in.requests:
            break
        await asyncio.sleep(0.01)
    assert len(stand_in.requests) == 1
    # The process dies here: the gateway has the message, the outbox does not know.
    await notices.sender.replace(SmsTransport(open_gateway("console")))
    (row,) = await Outbox.filter(office_id=office.slug)
    assert row.state == "sending"
    return row


async def test_killed_mid_send_with_an_idempotent_gateway_resends_with_the_same_key(
    live, client, office, keys, notices, stand_in
) -> None:
    row = await kill_mid_send(notices, stand_in, True, client, office, keys)
    first = stand_in.requests[0]
    stand_in.reset()
    await notices.sender.replace(transport(stand_in, idempotent=True))
    # Other rows a fixture stopped mid-send may be settled too.
    assert await notices.sender.recover("sms", lease_secs=0) >= 1
    (row,) = await settled(notices, office, 1)
    assert row.state == "sent" and row.attempts == 2
    (again,) = [r for r in stand_in.requests if r.headers["idempotency-key"] == row.key]
    assert again.headers["idempotency-key"] == first.headers["idempotency-key"] == row.key


async def test_killed_mid_send_without_idempotency_is_never_sent_twice(
    live, client, office, keys, notices, stand_in
) -> None:
    row = await kill_mid_send(notices, stand_in, False, client, office, keys)
    stand_in.reset()
    await notices.sender.replace(transport(stand_in, idempotent=False))
    # Other rows a fixture stopped mid-send may be settled too.
    assert await notices.sender.recover("sms", lease_secs=0) >= 1
    row = await Outbox.get(id=row.id)
    assert row.state == "failed" and row.last_error.startswith(outbox.INTERRUPTED)
    assert "+8801912345678" not in [r.json["to"] for r in stand_in.requests]
    events = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    failed = [json.loads(f["data"]) for _, f in events if f["type"] == "notification.failed"]
    assert failed[-1]["notification"]["id"] == row.id
    assert failed[-1]["notification"]["phone_masked"] == "019••••5678"
    # An admin judges it lost and sends it again: it goes, flagged as a possible duplicate.
    resent = await client.post(
        f"/api/v1/offices/{office.slug}/notifications/{row.id}/resend",
        headers=bearer(keys["admin"]),
    )
    assert resent.status_code == 200, resent.text
    (row,) = await settled(notices, office, 1)
    assert row.possibly_duplicate is True
    assert [r.json["to"] for r in stand_in.requests].count("+8801912345678") == 1


async def test_outbox_view_masks_phones_unless_revealed_and_audits_reveals(
    client, office, keys, notices
) -> None:
    await issue(client, office, keys["kiosk"], "01712345670")
    await settled(notices, office, 1)
    url = f"/api/v1/offices/{office.slug}/notifications"
    assert (await client.get(url, headers=bearer(keys["kiosk"]))).status_code == 403
    masked = (await client.get(url, headers=bearer(keys["admin"]))).json()["notifications"]
    assert masked[0]["phone"] == "017••••5670"
    shown = await client.get(
        url,
        params={"reveal": "1", "phone": "01712345670", "state": "sent"},
        headers=bearer(keys["admin"]),
    )
    assert shown.json()["notifications"][0]["phone"] == "+8801712345670"
    audit = await AuditLog.filter(office_id=office.slug, action="notifications.reveal")
    assert len(audit) == 1 and audit[0].role == "admin"


def signed(payload: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return body, {
        "X-Sheba-Signature": "sha256=" + sign(body, SECRET),
        "Content-Type": "application/json",
    }


async def test_inbound_webhook_needs_a_signature(client, notices) -> None:
    notices.webhook_secret = SECRET
    body, headers = signed({"type": "reply", "id": "x", "from": "01712345678", "text": "1"})
    headers["X-Sheba-Signature"] = "sha256=" + "0" * 64
    response = await client.post("/api/v1/sms/inbound", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["message_bn"] == "ওয়েবহুকের স্বাক্ষর নেই বা ভুল।"


async def test_replies_defer_once_cancel_and_help(live, client, notices) -> None:
    notices.webhook_secret = SECRET
    office = await pooled_office(live)
    kiosk = await create_api_key(store_of(live).redis, office.slug, "kiosk")
    tokens = [await issue(client, office, kiosk, f"0151300000{i}") for i in range(5)]
    events = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    notifier = live.app.state.runtime["notifier"]  # type: ignore[attr-defined]
    await asyncio.wait_for(notifier.processed(office.slug, events[-1][0]), 150)

    async def reply(provider_id: str, phone: str, text: str) -> dict:
        body, headers = signed({"type": "reply", "id": provider_id, "from": phone, "text": text})
        response = await client.post("/api/v1/sms/inbound", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    assert (await reply("r1", "01513000001", "২"))["outcome"] == "deferred"
    queue = await store_of(live).queue(office.slug, "B")
    assert queue.index(tokens[1]["id"]) == 4  # moved back three places
    assert (await reply("r1", "01513000001", "২"))["outcome"] == "deferred"  # same webhook twice
    assert (await reply("r2", "01513000001", "2"))["outcome"] == "already_deferred"
    assert (await reply("r3", "01513000002", "৩।"))["outcome"] == "cancelled"
    raw = await store_of(live).raw_token(office.slug, tokens[2]["id"])
    assert raw and raw["status"] == "cancelled"
    assert (await reply("r4", "01513000003", "hello"))["action"] == "help"
    assert (await reply("r5", "01513000004", "1"))["outcome"] == "confirmed"
    answers = await Outbox.filter(key__startswith="in:r").order_by("id")
    assert [a.template for a in answers][-5:] == [
        "reply.more_time",
        "reply.more_time_refused",
        "reply.cancel",
        "reply.help",
        "reply.confirm",
    ]
    assert "৩ জন পিছিয়ে" in answers[-5].text


async def test_delivery_report_updates_the_row(client, office, keys, notices, stand_in) -> None:
    notices.webhook_secret = SECRET
    await notices.sender.replace(transport(stand_in, idempotent=False))
    stand_in.answer(200, {"id": "gw-" + office.slug})
    await issue(client, office, keys["kiosk"], "01612345678")
    (row,) = await settled(notices, office, 1)
    body, headers = signed(
        {"type": "delivery", "message_id": "gw-" + office.slug, "status": "DELIVRD"}
    )
    response = await client.post("/api/v1/sms/inbound", content=body, headers=headers)
    # Rows other tests left queued went out through this stand-in too, with the same id.
    assert response.json()["matched"] >= 1
    row = await Outbox.get(id=row.id)
    assert row.delivery == "delivered" and row.delivered_at is not None


async def test_replacing_a_gateway_stops_the_old_loop_even_as_it_is_woken(
    notices: Notifications,
) -> None:
    """A cancellation that lands as the sender's wake-up event is set must still stop it
    (Python 3.11's asyncio.wait_for drops it, and `replace` then waits for ever)."""
    for i in range(40):
        # Let the new loop look at the outbox and settle into its idle wait first.
        await asyncio.sleep(0.05)
        notices.sender.wake()
        for _ in range(i % 4):
            await asyncio.sleep(0)
        async with asyncio.timeout(5):
            await notices.sender.replace(SmsTransport(open_gateway("console")))
