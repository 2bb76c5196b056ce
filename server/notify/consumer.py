"""The notifier consumer: turns events into outbox rows, fast, idempotently, and nothing else.

It runs in the consumer group "notifier" from the start of each stream ("0", so that an
office whose stream is new loses nothing), but skips events older than
`notify_max_event_age_secs`: a notifier added to a running office must not text yesterday's
citizens about yesterday's tokens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from server.notify import outbox
from server.notify.messages import (
    COMPLAINT_EVENTS,
    MEETING_EVENTS,
    TOKEN_EVENTS,
    Composer,
    Draft,
    lang_of,
    token_context,
)
from server.queue import domain, keys
from server.queue.office import Office
from server.queue.store import QueueStore
from server.realtime.envelope import Event, stream_id_key
from server.settings import Settings

log = logging.getLogger(__name__)

GROUP = "notifier"
NOTIFYING = frozenset(TOKEN_EVENTS + MEETING_EVENTS + COMPLAINT_EVENTS)
# Guards for one-off messages and the phone → token index outlive the office day.
GUARD_SECS = 2 * 86400


def phone_index(office: str, day: str) -> str:
    """Hash phone → the newest token id of that phone on that office day (SMS replies)."""
    return keys.prefix(office) + f"phones:{day}"


def next_guard(office: str, token_id: str) -> str:
    return keys.prefix(office) + f"notified:next:{token_id}"


class Notifier:
    """The handler of the "notifier" group; `on_queued` is told when rows were added."""

    def __init__(
        self,
        store: QueueStore,
        composer: Composer,
        settings: Settings,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.redis: Redis = store.redis
        self.composer = composer
        self.settings = settings
        self.on_queued = on_queued

    async def __call__(self, event: Event) -> None:
        age_ms = time.time() * 1000 - stream_id_key(event.id)[0]
        if age_ms > self.settings.notify_max_event_age_secs * 1000:
            return
        if event.type not in NOTIFYING:
            return
        try:
            office = await self.store.office(event.office)
        except ValueError:
            # A configuration this version cannot read: retrying will not help, and holding
            # the group up would delay every other office's messages.
            log.error("notifier: cannot read office %s; skipping %s", event.office, event.id)
            return
        drafts = await self.drafts(event, office)
        if drafts:
            await outbox.enqueue(event.office, drafts)
            self.on_queued()

    async def drafts(self, event: Event, office: Office) -> list[Draft]:
        if event.type in TOKEN_EVENTS:
            return await self._token_drafts(event, office)
        if event.type in MEETING_EVENTS or event.type in COMPLAINT_EVENTS:
            return self.composer.for_record(event.id, event.type, office, event.data)
        return []

    async def _token_drafts(self, event: Event, office: Office) -> list[Draft]:
        raw: dict[str, Any] = event.data.get("token") or {}
        if not raw.get("phone"):
            return []
        lang = lang_of(raw)
        context = {**token_context(office, raw, lang), "link": self._link(raw["id"])}
        drafts = []
        if event.type == "token.issued":
            await self.redis.hset(phone_index(office.slug, raw["day"]), raw["phone"], raw["id"])
            await self.redis.expire(phone_index(office.slug, raw["day"]), GUARD_SECS)
            live = await self.store.raw_token(office.slug, raw["id"]) or raw
            position, eta = await self.store.position(live)
            context["ahead"] = None if position is None else position - 1
            context["eta"] = eta
        else:
            context["counter"] = event.data.get("counter") or raw.get("counter") or ""
        drafts.append(
            self.composer.sms(event.id, event.type, raw["phone"], lang, context, raw["id"])
        )
        if event.type == "token.called":
            drafts.extend(await self._next_but(event, office, raw))
        return drafts

    async def _next_but(self, event: Event, office: Office, called: dict[str, Any]) -> list[Draft]:
        """The token now N-th in the called token's queue hears "N-1 ahead of you", once."""
        n = self.settings.notify_next_but
        if n < 1:
            return []
        queues = [keys.service_queue(office.slug, called["service"])]
        if called.get("counter"):
            queues.append(keys.counter_queue(office.slug, called["counter"]))
        drafts = []
        for queue in queues:
            for token_id in await self.redis.zrange(queue, n - 1, n - 1):
                raw = await self.store.raw_token(office.slug, token_id)
                if not raw or raw.get("status") != domain.WAITING or not raw.get("phone"):
                    continue
                # The citizen's own position (service or counter queue, as their page shows).
                position, _ = await self.store.position(raw)
                if position != n:
                    continue
                guard = next_guard(office.slug, token_id)
                # Once per token; a second delivery of this same event may pass again (the
                # outbox key drops the duplicate), so a crash right after SET loses nothing.
                if not await self.redis.set(guard, event.id, nx=True, ex=GUARD_SECS) and (
                    await self.redis.get(guard) != event.id
                ):
                    continue
                lang = lang_of(raw)
                context = {**token_context(office, raw, lang), "ahead": n - 1}
                # Keyed by the token, not the event: "next but two" is said once per token.
                drafts.append(
                    self.composer.sms(
                        f"next:{token_id}", "token.next", raw["phone"], lang, context, token_id
                    )
                )
        return drafts

    def _link(self, token_id: str) -> str:
        return f"{self.settings.base_url()}/t/{token_id}"
