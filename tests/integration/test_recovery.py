"""What survives: a persister killed mid-way, and a Redis that comes back empty."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from server.queue import keys as redis_keys
from server.queue.office import Office
from server.realtime.envelope import Event
from server.realtime.groups import GroupConsumer
from server.store import models, persister
from server.store.recovery import install_offices
from tests.conftest import LiveServer, bearer, store_of


async def _issue(client: httpx.AsyncClient, office: Office, key: str, n: int) -> list[dict]:
    tokens = []
    for i in range(n):
        response = await client.post(
            f"/api/v1/offices/{office.slug}/tokens",
            json={"service": "B", "phone": f"0171{i:07d}"},
            headers=bearer(key),
        )
        assert response.status_code == 201
        tokens.append(response.json())
    return tokens


async def _last_event(live: LiveServer, office: Office) -> str:
    entries = await store_of(live).redis.xrevrange(redis_keys.events(office.slug), count=1)
    return entries[0][0]


async def test_persister_killed_midway_loses_and_duplicates_nothing(
    live: LiveServer, client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    await _issue(client, office, keys["kiosk"], 12)
    last = await _last_event(live, office)
    await asyncio.wait_for(live.app.state.runtime["persister"].processed(office.slug, last), 150)
    before = await models.EventLog.filter(office_id=office.slug).count()

    # A second persister group replays the same stream into the same tables and is killed
    # after five events, in the middle of its work.
    handled: list[str] = []
    five = asyncio.Event()

    async def handler(event: Event) -> None:
        await persister.persist(event)
        handled.append(event.id)
        if len(handled) == 5:
            five.set()
            await asyncio.Event().wait()  # stuck mid-way until killed

    redis_url = live.app.state.runtime["settings"].redis_url
    first = GroupConsumer(redis_url, "replay-" + office.slug, handler, name="a")
    task = asyncio.create_task(first.run())
    await asyncio.wait_for(five.wait(), 30)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    # Another process takes over what the dead one left pending, then the rest.
    second = GroupConsumer(
        redis_url, "replay-" + office.slug, persister.persist, name="b", claim_idle_ms=0
    )
    task = asyncio.create_task(second.run())
    await asyncio.wait_for(second.processed(office.slug, last), 150)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    # Everything in the stream is in SQL exactly once (the spooler may have added a
    # printer.status event of its own meanwhile).
    newest = await _last_event(live, office)
    await asyncio.wait_for(live.app.state.runtime["persister"].processed(office.slug, newest), 150)
    in_stream = await store_of(live).redis.xlen(redis_keys.events(office.slug))
    assert await models.EventLog.filter(office_id=office.slug).count() == in_stream >= before
    assert await models.EventLog.filter(office_id=office.slug, type="token.issued").count() == 12
    assert await models.Token.filter(office_id=office.slug).count() == 12


async def test_redis_lost_the_day_and_it_is_rebuilt_from_sql(
    live: LiveServer, client: httpx.AsyncClient, office: Office, keys: dict[str, str]
) -> None:
    store = store_of(live)
    tokens = await _issue(client, office, keys["kiosk"], 4)
    base = f"/api/v1/offices/{office.slug}"
    called = await client.post(f"{base}/counters/2/call-next", headers=bearer(keys["counter"]))
    assert called.status_code == 200
    await client.post(f"{base}/tokens/{tokens[3]['id']}/cancel", headers=bearer(keys["counter"]))
    last = await _last_event(live, office)
    await asyncio.wait_for(live.app.state.runtime["persister"].processed(office.slug, last), 150)
    epoch_before = await store.epoch(office.slug)

    # Everything of this office disappears from Redis, as after a restart without AOF.
    async for key in store.redis.scan_iter(match=redis_keys.prefix(office.slug) + "*"):
        await store.redis.delete(key)
    await install_offices(store)

    assert int(await store.epoch(office.slug)) == int(epoch_before) + 1
    row = await models.Office.get(slug=office.slug)
    assert row.epoch == int(epoch_before) + 1
    at_counter = await store.raw_token(office.slug, called.json()["id"])
    assert at_counter and at_counter["status"] == "called"
    counters = {c["number"]: c for c in await store.counters(office.slug)}
    assert counters[2]["token"] == called.json()["id"]
    queued = await store.queue(office.slug, "B")
    waiting = [t["id"] for t in tokens if t["id"] not in (called.json()["id"], tokens[3]["id"])]
    assert queued == waiting
    # Numbering carries on after the rebuild: no number is handed out twice in a day.
    fresh = await _issue(client, office, keys["counter"], 1)
    assert fresh[0]["number"] == 5
