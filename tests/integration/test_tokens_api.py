"""The token and counter HTTP API against a real server, Redis and database."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from server.queue.office import Office
from server.store import models
from tests.conftest import LiveServer, bearer, store_of


async def issue(
    client: httpx.AsyncClient,
    office: Office,
    key: str,
    service: str = "B",
    phone: str = "01712345678",
    **headers: str,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/offices/{office.slug}/tokens",
        json={"service": service, "phone": phone},
        headers={**bearer(key), **headers},
    )


async def test_issue_call_complete_lands_in_sql_history(
    live: LiveServer, client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    issued = await issue(client, office, keys["kiosk"], phone="০১৭১২-৩৪৫৬৭৮")
    assert issued.status_code == 201, issued.text
    token = issued.json()
    assert token["display"] == "B-001"
    assert token["display_bn"] == "খ-০০১"
    assert token["phone_masked"] == "017••••5678"
    assert "phone" not in token
    assert token["status"] == "waiting"
    assert token["position"] == 1
    assert token["tracking_url"].endswith("/t/" + token["id"])

    called = await client.post(
        f"/api/v1/offices/{office.slug}/counters/2/call-next", headers=bearer(keys["counter"])
    )
    assert called.status_code == 200
    assert called.json()["id"] == token["id"]
    assert called.json()["counter"] == 2

    done = await client.post(
        f"/api/v1/offices/{office.slug}/tokens/{token['id']}/complete",
        json={"outcome": "application received"},
        headers=bearer(keys["counter"]),
    )
    assert done.status_code == 200
    assert done.json()["status"] == "completed"

    events = await store_of(live).redis.xrange(f"sheba:{{{office.slug}}}:events")
    persister = live.app.state.runtime["persister"]
    await asyncio.wait_for(persister.processed(office.slug, events[-1][0]), 150)
    row = await models.Token.get(id=token["id"])
    assert (row.status, row.counter, row.phone, row.outcome) == (
        "completed",
        2,
        "+8801712345678",
        "application received",
    )
    history = await models.EventLog.filter(token_id=token["id"]).order_by("id")
    assert [e.type for e in history] == ["token.issued", "token.called", "token.completed"]
    audit = await models.AuditLog.filter(office_id=office.slug).order_by("id")
    assert [(a.role, a.action) for a in audit] == [
        ("kiosk", "token.issued"),
        ("counter", "token.called"),
        ("counter", "token.completed"),
    ]


async def test_same_idempotency_key_returns_the_same_token(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    first = await issue(client, office, keys["kiosk"], **{"Idempotency-Key": "tap-1"})
    again = await issue(client, office, keys["kiosk"], **{"Idempotency-Key": "tap-1"})
    other = await issue(client, office, keys["kiosk"], **{"Idempotency-Key": "tap-2"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert other.json()["number"] == 2


async def test_call_next_with_nobody_waiting_is_204(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/v1/offices/{office.slug}/counters/1/call-next", headers=bearer(keys["counter"])
    )
    assert response.status_code == 204


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "B", "phone": "0171234"}, 400, "invalid_phone"),
        ({"service": "Z", "phone": "01712345678"}, 404, "not_found"),
        ({"service": 5, "phone": "01712345678"}, 400, "invalid_input"),
        ({"phone": "01712345678"}, 400, "invalid_input"),
        ([1, 2], 400, "invalid_input"),
    ],
)
async def test_bad_input_is_refused_in_both_languages_and_changes_nothing(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    body: object,
    status: int,
    code: str,
) -> None:
    stream = f"sheba:{{{office.slug}}}:events"
    before = await store_of(live).redis.xlen(stream)
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens", json=body, headers=bearer(keys["kiosk"])
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message_bn"]
    assert await store_of(live).redis.xlen(stream) == before


async def test_malformed_and_oversized_bodies(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    url = f"/api/v1/offices/{office.slug}/tokens"
    broken = await client.post(url, content=b'{"service": ', headers=bearer(keys["kiosk"]))
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    huge = await client.post(
        url, content=b'{"x": "' + b"a" * 20_000 + b'"}', headers=bearer(keys["kiosk"])
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"


async def test_unknown_office_token_and_counter_are_404(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    assert (await client.get("/api/v1/offices/nowhere")).status_code == 404
    assert (await client.get("/api/v1/tokens/nope")).status_code == 404
    response = await client.post(
        f"/api/v1/offices/{office.slug}/counters/9/call-next", headers=bearer(keys["counter"])
    )
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "counter"


async def test_action_not_allowed_in_status_is_409_with_current_status(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    token = (await issue(client, office, keys["kiosk"])).json()
    response = await client.post(
        f"/api/v1/offices/{office.slug}/tokens/{token['id']}/complete",
        headers=bearer(keys["counter"]),
    )
    assert response.status_code == 409
    assert response.json()["error"]["status"] == "waiting"


async def test_paused_counter_cannot_call(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    base = f"/api/v1/offices/{office.slug}/counters/2"
    await issue(client, office, keys["kiosk"])
    assert (await client.post(f"{base}/pause", headers=bearer(keys["counter"]))).status_code == 200
    refused = await client.post(f"{base}/call-next", headers=bearer(keys["counter"]))
    assert refused.status_code == 409
    assert refused.json()["error"]["counter_state"] == "paused"
    assert (await client.post(f"{base}/open", headers=bearer(keys["counter"]))).status_code == 200
    assert (
        await client.post(f"{base}/call-next", headers=bearer(keys["counter"]))
    ).status_code == 200


async def test_roles_and_offices_are_enforced(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    call = f"/api/v1/offices/{office.slug}/counters/2/call-next"
    assert (await client.post(call)).status_code == 401
    assert (await client.post(call, headers=bearer("shk_wrong"))).status_code == 401
    assert (await client.post(call, headers=bearer(keys["kiosk"]))).status_code == 403
    assert (await client.post(call, headers=bearer(keys["display"]))).status_code == 403
    elsewhere = "/api/v1/offices/magura/counters/2/call-next"
    assert (await client.post(elsewhere, headers=bearer(keys["counter"]))).status_code in (403,)


async def test_kiosk_limit_per_phone_per_day_is_429(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    for _ in range(office.phone_daily_limit):
        assert (await issue(client, office, keys["kiosk"], phone="01812345678")).status_code == 201
    refused = await issue(client, office, keys["kiosk"], phone="01812345678")
    assert refused.status_code == 429
    assert refused.json()["error"]["message_bn"]


async def test_transfer_keeps_place_by_issue_time(
    client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    """A citizen sent from the record room (B) to land acquisition (C) is not sent to the
    back of C's queue: they keep their place by the time they first took a token."""
    early = (await issue(client, office, keys["kiosk"], "B", "01711111111")).json()
    later = (await issue(client, office, keys["kiosk"], "C", "01722222222")).json()
    moved = await client.post(
        f"/api/v1/offices/{office.slug}/tokens/{early['id']}/transfer",
        json={"service": "C"},
        headers=bearer(keys["counter"]),
    )
    assert moved.status_code == 200
    assert moved.json()["service"] == "C" and moved.json()["display"] == "B-001"
    called = await client.post(
        f"/api/v1/offices/{office.slug}/counters/3/call-next", headers=bearer(keys["counter"])
    )
    assert called.json()["id"] == early["id"]
    assert later["id"] != early["id"]


async def test_login_logout_and_lockout(
    live: LiveServer, client: httpx.AsyncClient, office: Office
) -> None:
    from server.api.auth import hash_password

    username = "clerk-" + office.slug
    await models.StaffUser.create(
        username=username,
        password_hash=hash_password("correct horse"),
        role="counter",
        office_id=office.slug,
    )
    bad = await client.post("/api/v1/auth/login", json={"username": username, "password": "x"})
    assert bad.status_code == 401 and bad.json()["error"]["message_bn"]
    good = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": "correct horse"}
    )
    assert good.status_code == 200
    cookie = good.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert (await client.get("/api/v1/auth/me")).json()["role"] == "counter"
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    for _ in range(5):
        await client.post("/api/v1/auth/login", json={"username": username, "password": "no"})
    locked = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": "correct horse"}
    )
    assert locked.status_code == 423


async def test_openapi_describes_the_token_api(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert "post" in spec["paths"]["/api/v1/offices/{office}/tokens"]
