"""Two-way SMS: delivery reports update the outbox; replies to "next but two" act on the token.

`১`/`1` confirms (recorded), `২`/`2` moves the token back three places once, `৩`/`3` cancels
it, anything else gets a short help text. The citizen's live token is found through the
phone → token index the notifier keeps per office day, so a reply costs one HGET per office.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from server.errors import ShebaError
from server.hardware.sms import parse_reply
from server.notify import outbox
from server.notify.consumer import phone_index
from server.notify.messages import Composer, lang_of, token_context
from server.queue import domain
from server.queue.phone import normalise_phone
from server.queue.store import Actor, QueueStore
from server.store.models import InboundSms, Outbox

DEFER_PLACES = 3
CITIZEN = Actor("public", "sms", "citizen", name="SMS reply")
# A delivery report's status, as gateways spell it, to what the outbox records.
DELIVERY = {
    "delivered": "delivered",
    "delivrd": "delivered",
    "failed": "undelivered",
    "undeliv": "undelivered",
    "undelivered": "undelivered",
    "expired": "expired",
    "rejected": "rejected",
}


async def delivery_report(body: dict[str, Any]) -> int:
    """Record a gateway's delivery report; the number of outbox rows it matched."""
    message_id = str(body.get("message_id") or "")
    status = DELIVERY.get(str(body.get("status", "")).strip().lower(), "unknown")
    if not message_id:
        raise ShebaError("invalid_input", field="message_id")
    return await Outbox.filter(gateway_message_id=message_id).update(
        delivery=status, delivered_at=outbox.utcnow() if status == "delivered" else None
    )


async def live_token(store: QueueStore, phone: str) -> dict[str, str] | None:
    """The newest token of `phone` today that is still waiting or being called, in any
    office of this Redis (a citizen holding tokens in two offices answers the latest SMS,
    which is about the newest token)."""
    day = store.clock.now().date().isoformat()
    found: dict[str, str] | None = None
    for slug in await store.office_slugs():
        token_id = await store.redis.hget(phone_index(slug, day), phone)
        if token_id:
            raw = await store.raw_token(slug, token_id)
            if (
                raw
                and raw.get("status") in domain.LIVE_STATUSES
                and (found is None or int(raw["issued_ms"]) > int(found["issued_ms"]))
            ):
                found = raw
    return found


async def handle_reply(
    store: QueueStore, composer: Composer, body: dict[str, Any]
) -> tuple[str, str, Outbox | None]:
    """Act on one reply, once per provider id: (action, outcome, the answer queued)."""
    provider_id = str(body.get("id") or "")[:120]
    text = str(body.get("text") or "")[:400]
    if not provider_id:
        raise ShebaError("invalid_input", field="id")
    phone = normalise_phone(body.get("from"))
    action = parse_reply(text)
    raw = await live_token(store, phone)
    try:
        record = await InboundSms.create(
            provider_id=provider_id,
            office_id=raw["office"] if raw else None,
            phone=phone,
            text=text,
            action=action,
            token_id=raw["id"] if raw else None,
        )
    except IntegrityError:
        # The gateway delivered the webhook twice: the first one already acted.
        seen = await InboundSms.get(provider_id=provider_id)
        return seen.action, seen.outcome, None
    outcome, template, extra = await _act(store, raw, action)
    await InboundSms.filter(id=record.id).update(outcome=outcome)
    lang = lang_of(raw or {})
    if raw is not None:
        office = await store.office(raw["office"])
        context = {**token_context(office, raw, lang), **extra}
        draft = composer.sms(f"in:{provider_id}", template, phone, lang, context, raw["id"])
        office_slug = raw["office"]
    else:
        draft = composer.sms(f"in:{provider_id}", "reply.help", phone, lang, {"display": ""})
        office_slug = await _any_office(store)
        if office_slug is None:
            return action, outcome, None
    await outbox.enqueue(office_slug, [draft])
    return action, outcome, await Outbox.get_or_none(key=draft.key)


async def _act(
    store: QueueStore, raw: dict[str, str] | None, action: str
) -> tuple[str, str, dict[str, Any]]:
    """(outcome, reply template, template extras)."""
    if raw is None:
        return "no_token", "reply.help", {}
    if action == "help":
        return "help", "reply.help", {}
    if action == "confirm":
        return "confirmed", "reply.confirm", {}
    if raw.get("status") != domain.WAITING:
        return "not_waiting", "reply.help", {}
    try:
        if action == "more_time":
            result = await store.defer(raw["office"], raw["id"], DEFER_PLACES, actor=CITIZEN)
            return "deferred", "reply.more_time", {"places": result.data.get("places", 0)}
        await store.transition(raw["office"], raw["id"], "cancel", actor=CITIZEN)
        return "cancelled", "reply.cancel", {}
    except ShebaError as exc:
        if exc.extra.get("deferred"):
            return "already_deferred", "reply.more_time_refused", {}
        return exc.code, "reply.help", {}


async def _any_office(store: QueueStore) -> str | None:
    slugs = await store.office_slugs()
    return slugs[0] if slugs else None
