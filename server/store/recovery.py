"""Start-up: put every office's configuration into Redis and, if Redis lost the day, rebuild.

The first process to find an office without an epoch in Redis wins the right to rebuild
(SET NX); the epoch it sets tells every screen that state was rebuilt and it must resync.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from server.queue import domain, keys
from server.queue.office import Office
from server.queue.store import QueueStore
from server.store import models
from server.store.offices import load_offices

log = logging.getLogger(__name__)


async def install_offices(store: QueueStore) -> list[str]:
    slugs = []
    for office, epoch in await load_offices():
        has_history = await models.EventLog.exists(office_id=office.slug)
        new_epoch = epoch + 1 if has_history else epoch
        won = await store.redis.set(keys.epoch(office.slug), str(new_epoch), nx=True)
        await store.install_office(office)
        slugs.append(office.slug)
        if won and has_history:
            await models.Office.filter(slug=office.slug).update(epoch=new_epoch)
            count = await rebuild_day(store, office)
            log.warning(
                "Redis had no live state for %s: rebuilt %d tokens, epoch %d",
                office.slug,
                count,
                new_epoch,
            )
    return slugs


# How often a running process checks that Redis still holds every office (a Redis restarted
# without persistence comes back empty; the day is then rebuilt from SQL without a restart).
KEEPER_INTERVAL_SECS = 5.0


async def keep_offices_installed(store: QueueStore) -> None:
    while True:
        await asyncio.sleep(KEEPER_INTERVAL_SECS)
        try:
            slugs = await store.office_slugs()
            missing = [
                o.slug
                for o, _ in await load_offices()
                if o.slug not in slugs or not await store.redis.exists(keys.epoch(o.slug))
            ]
            if missing:
                log.warning("Redis lost offices %s; reinstalling", missing)
                await install_offices(store)
        except Exception:
            log.exception("checking Redis for lost offices failed")


def _ms(moment: datetime | None) -> str:
    return str(int(moment.timestamp() * 1000)) if moment else ""


async def rebuild_day(store: QueueStore, office: Office) -> int:
    """Today's live tokens, numbering, counters and counts, from the SQL history."""
    slug = office.slug
    today = store.clock.now().date()
    tokens = await models.Token.filter(office_id=slug, day=today).order_by("score")
    counters = await models.Counter.filter(office_id=slug)
    stats = keys.day_stats(slug, today.isoformat())
    pipe = store.redis.pipeline(transaction=True)
    pipe.set(keys.prefix(slug) + "day", today.isoformat())
    for counter in counters:
        pipe.hset(keys.counter(slug, counter.number), "state", counter.state)
    for t in tokens:
        pipe.hincrby(stats, "issued", 1)
        pipe.hincrby(stats, f"phone:{t.phone}", 1)
        if t.priority:
            pipe.hincrby(stats, "priority", 1)
        if t.status not in domain.LIVE_STATUSES:
            continue
        pipe.hset(
            keys.token(slug, t.id),
            mapping={
                "id": t.id,
                "office": slug,
                "service": t.service,
                "number": t.number,
                "prefix": t.prefix,
                "prefix_bn": t.prefix_bn,
                "day": t.day.isoformat(),
                "status": t.status,
                "phone": t.phone,
                "priority": "1" if t.priority else "0",
                "counter": t.counter or "",
                "pinned": "1" if t.pinned else "0",
                "issued_ms": _ms(t.issued_at),
                "score": t.score,
                "order": t.score % 1_000_000_000,
                "recalls": t.recalls,
                "lang": t.lang,
                "transfers": t.transfers,
                "called_ms": _ms(t.called_at),
                "served_ms": _ms(t.served_at),
                "outcome": t.outcome,
            },
        )
        if t.status == domain.WAITING:
            if t.pinned and t.counter:
                pipe.zadd(keys.counter_queue(slug, t.counter), {t.id: t.score})
            else:
                pipe.zadd(keys.service_queue(slug, t.service), {t.id: t.score})
                if t.counter and office.policy == "assigned":
                    pipe.zadd(keys.counter_queue(slug, t.counter), {t.id: t.score})
        elif t.status in (domain.CALLED, domain.SERVING) and t.counter:
            pipe.hset(keys.counter(slug, t.counter), "token", t.id)
        elif t.status == domain.PARKED:
            pipe.sadd(keys.parked(slug), t.id)
    # Numbers keep rising after a rebuild. A transferred token keeps the prefix (and number)
    # of the service that issued it, so the prefix names the sequence.
    for service in office.services:
        numbers = [t.number for t in tokens if t.prefix == service]
        if numbers:
            pipe.hset(stats, f"seq:{service}", max(numbers))
    await pipe.execute()
    return sum(1 for t in tokens if t.status in domain.LIVE_STATUSES)
