"""The first message of a socket: the live state of an office as a channel may see it.

Builders are kept in `BUILDERS`, one async function per channel, so another module (the
meetings code) can put its own part in: `BUILDERS["official"] = my_builder`.

Consistency: the socket reads the stream's last id *before* the state, then replays
everything after that id. Events that landed while the state was read are therefore applied
twice; clients apply events idempotently (by token id and status), so that is harmless, and
nothing can fall between the snapshot and the first live event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server.queue import domain, hours, keys
from server.queue.store import Actor, QueueStore
from server.realtime.channels import public_token
from server.realtime.official import official_snapshot

Builder = Callable[[QueueStore, str, Actor | None], Awaitable[dict[str, Any]]]
RECENT_CALLS = 10


async def _office(store: QueueStore, slug: str) -> dict[str, Any]:
    office = await store.office(slug)
    return {"slug": office.slug, "name_bn": office.name_bn, "name_en": office.name_en}


async def _counters(store: QueueStore, slug: str, *, public: bool) -> list[dict[str, Any]]:
    counters = await store.counters(slug)
    raws = await store.raw_tokens(slug, [c["token"] for c in counters])
    for counter, raw in zip(counters, raws, strict=True):
        counter["token"] = _token(store, raw, public=public)
        if public:
            counter.pop("services", None)
    return counters


def _token(store: QueueStore, raw: dict[str, str] | None, *, public: bool) -> Any:
    if raw is None:
        return None
    return public_token(raw, store.tz) if public else domain.public_token(raw, store.tz)


def _counter_number(raw: dict[str, str]) -> int | None:
    return int(raw["counter"]) if raw.get("counter") else None


async def display(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    ids = await store.recent_calls(slug, RECENT_CALLS)
    raws = await store.raw_tokens(slug, ids)
    return {
        "office": await _office(store, slug),
        "counters": await _counters(store, slug, public=True),
        "recent": [
            {"token": public_token(raw, store.tz), "counter": _counter_number(raw)}
            for raw in raws
            if raw is not None
        ],
    }


async def kiosk(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    """Services with their queues, waits and charter (documents, fee, time), and the
    printer's state: all a kiosk shows. Public, like the display's: no token, no phone."""
    office = await store.office(slug)
    now = store.clock.now()
    waiting = await store.queue_lengths(slug)
    states = {c["number"]: c["state"] for c in await store.counters(slug)}
    services = []
    for s in office.services.values():
        serving = sum(1 for n in office.counters_serving(s.code) if states.get(n) == "open")
        avg = await store.avg_service_secs(office, s.code)
        services.append(
            {
                "code": s.code,
                "prefix_bn": s.prefix_bn,
                "name_bn": s.name_bn,
                "name_en": s.name_en,
                "open": hours.is_open(office, s, now),
                "waiting": waiting.get(s.code, 0),
                "eta_minutes": domain.eta_minutes(waiting.get(s.code, 0), avg, serving),
                "icon": s.icon,
                **s.charter(),
            }
        )
    printer = await store.redis.hgetall(keys.printer(slug))
    return {
        "office": await _office(store, slug),
        "services": services,
        "printer": {"state": printer.get("state", "ok"), "message": printer.get("message", "")},
    }


async def counter(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    office = await store.office(slug)
    queues: dict[str, list[Any]] = {}
    for code in office.services:
        queues[code] = [
            _token(store, raw, public=False)
            for raw in await store.raw_tokens(slug, await store.queue(slug, code))
            if raw is not None
        ]
    pinned: dict[str, list[Any]] = {}
    for number in office.counters:
        ids = await store.counter_queue(slug, number)
        pinned[str(number)] = [
            _token(store, raw, public=False)
            for raw in await store.raw_tokens(slug, ids)
            if raw is not None
        ]
    stats = await store.day_stats(slug, store.clock.now().date().isoformat())
    return {
        "office": await _office(store, slug),
        "counters": await _counters(store, slug, public=False),
        "queues": queues,
        "pinned": pinned,
        # Per-phone counters (rate limits) are keyed by the phone number itself.
        "stats": {k: v for k, v in stats.items() if not k.startswith("phone:")},
    }


async def official(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    """The official's (or, for an admin who chose none, every official's) meetings."""
    return await official_snapshot(store, slug, actor)


async def admin(store: QueueStore, slug: str, actor: Actor | None) -> dict[str, Any]:
    # Looked up at call time so that parts registered later by other modules are included.
    return {
        **await BUILDERS["counter"](store, slug, actor),
        **await BUILDERS["official"](store, slug, actor),
    }


BUILDERS: dict[str, Builder] = {
    "display": display,
    "kiosk": kiosk,
    "counter": counter,
    "official": official,
    "admin": admin,
}


async def build(store: QueueStore, slug: str, channel: str, actor: Actor | None) -> Any:
    return await BUILDERS[channel](store, slug, actor)
