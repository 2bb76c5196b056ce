"""The stream's consumers: everything that follows an event and that nobody waits for.

The persister (SQL), the notifier and its sender (SMS, e-mail), the print spooler and the
meeting escalations. `sheba serve` runs them in a process of their own (`sheba consume`), so
that web workers spend their CPU on requests and sockets; the app can also run them itself
(SHEBA_RUN_CONSUMERS, the default), which is what tests and single-process setups do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from server import notify
from server.hardware.spooler import spooler_jobs
from server.queue.meeting_escalation import run_escalations
from server.queue.store import QueueStore, open_redis
from server.realtime.groups import GroupConsumer
from server.settings import Settings
from server.store import meeting_rows, persister
from server.tasks import stop as stop_tasks

log = logging.getLogger(__name__)

Job = tuple[str, Coroutine[Any, Any, None]]


@dataclass
class Consumers:
    """The consumer groups' handlers; the app keeps them so requests and tests can reach them."""

    persister: GroupConsumer
    notifier: GroupConsumer
    notifications: notify.Notifications

    def jobs(self, settings: Settings, store: QueueStore, redis_url: str) -> list[Job]:
        return [
            ("persister", self.persister.run()),
            ("escalations", run_escalations(store, meeting_rows.office_slugs)),
            *spooler_jobs(settings, store, redis_url),
            ("notification-sender", self.notifications.sender.run()),
            ("notifier", self.notifier.run()),
        ]


def build(settings: Settings, store: QueueStore, redis: Redis, redis_url: str) -> Consumers:
    notices = notify.build(settings, store, redis)
    return Consumers(
        persister=GroupConsumer(
            redis_url, persister.GROUP, persister.persist, batch_handler=persister.persist_many
        ),
        notifier=GroupConsumer(redis_url, notify.GROUP, notices.notifier),
        notifications=notices,
    )


async def run(settings: Settings) -> None:
    """`sheba consume`: run every consumer until SIGTERM or SIGINT."""
    from tortoise import Tortoise

    from server.store.db import MODELS

    if not settings.redis_url:
        raise SystemExit("sheba consume needs SHEBA_REDIS_URL (the Redis the web workers use)")
    # Nobody waits on this process: when the CPU is short, requests and screens go first.
    os.nice(settings.consumer_nice)
    await Tortoise.init(db_url=settings.db_url(), modules={"models": [MODELS]})
    redis = open_redis(settings.redis_url, max_connections=32)
    store = QueueStore(redis, tz=settings.timezone, retention_secs=settings.stream_retention_secs)
    consumers = build(settings, store, redis, settings.redis_url)
    tasks = [
        asyncio.create_task(job, name=name)
        for name, job in consumers.jobs(settings, store, settings.redis_url)
    ]
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    log.info("consumers running: %s", ", ".join(t.get_name() for t in tasks))
    try:
        await stopping.wait()
    finally:
        await stop_tasks(*tasks)
        await redis.aclose()
        await Tortoise.close_connections()
