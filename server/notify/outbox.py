"""The outbox table's verbs: queue drafts once, claim a row, record what the gateway said."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from server.notify.messages import Draft
from server.store.models import Outbox

QUEUED, SENDING, SENT, FAILED, DEAD = "queued", "sending", "sent", "failed", "dead"
STATES = (QUEUED, SENDING, SENT, FAILED, DEAD)
# How a row that a dead process left mid-send begins its last_error.
INTERRUPTED = "interrupted while sending"
# How many due rows one look at the table considers (the rest wait for the next look).
BATCH = 20


def utcnow() -> datetime:
    return datetime.now(UTC)


async def enqueue(office: str, drafts: Iterable[Draft]) -> None:
    """Insert the drafts; a key already present is left alone (ON CONFLICT DO NOTHING)."""
    now = utcnow()
    rows = [
        Outbox(
            key=d.key,
            office_id=office,
            channel=d.channel,
            phone=d.phone,
            email=d.email,
            template=d.template,
            lang=d.lang,
            subject=d.subject,
            text=d.text,
            parts=d.parts,
            token_id=d.token_id,
            next_attempt_at=now,
        )
        for d in drafts
    ]
    if rows:
        await Outbox.bulk_create(rows, ignore_conflicts=True)


async def next_due(channel: str, now: datetime, *, ignore_backoff: bool = False) -> Outbox | None:
    """The oldest queued row that may go now, never overtaking an older one to the same
    recipient (a citizen must not read "your turn" before "your token is খ-০০৩")."""
    query = Outbox.filter(channel=channel, state=QUEUED)
    if not ignore_backoff:
        query = query.filter(next_attempt_at__lte=now)
    for row in await query.order_by("id").limit(BATCH):
        if not await Outbox.filter(
            Q(state=QUEUED) | Q(state=SENDING),
            channel=channel,
            phone=row.phone,
            email=row.email,
            id__lt=row.id,
        ).exists():
            return row
    return None


async def earliest_retry(channel: str) -> datetime | None:
    row = await Outbox.filter(channel=channel, state=QUEUED).order_by("next_attempt_at").first()
    return row.next_attempt_at if row else None


async def claim(row: Outbox, gateway: str, now: datetime) -> bool:
    """Mark the row 'sending' (committed before the gateway is called); False if another
    process took it first."""
    taken = await Outbox.filter(id=row.id, state=QUEUED).update(
        state=SENDING, sending_at=now, attempts=row.attempts + 1, gateway=gateway
    )
    row.attempts += 1
    return bool(taken)


async def sent(row: Outbox, gateway_message_id: str | None, parts: int) -> None:
    await Outbox.filter(id=row.id).update(
        state=SENT,
        sent_at=utcnow(),
        gateway_message_id=gateway_message_id,
        parts=parts,
        last_error="",
    )


async def retry(row: Outbox, at: datetime, error: str, *, counted: bool = True) -> None:
    await Outbox.filter(id=row.id).update(
        state=QUEUED,
        next_attempt_at=at,
        last_error=error[:1000],
        attempts=row.attempts if counted else row.attempts - 1,
    )


async def finish(row: Outbox, state: str, error: str) -> None:
    await Outbox.filter(id=row.id).update(state=state, last_error=error[:1000])


async def release_backoff(channel: str, now: datetime) -> None:
    """A gateway came back: everything waiting may go now, oldest first."""
    await Outbox.filter(channel=channel, state=QUEUED, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )


async def orphans(channel: str, lease_secs: float, now: datetime) -> list[Outbox]:
    """Rows left 'sending' by a process that died (or hung) between send and record."""
    return await Outbox.filter(
        channel=channel, state=SENDING, sending_at__lte=now - timedelta(seconds=lease_secs)
    ).order_by("id")


async def resend(row_id: int, office: str) -> tuple[Outbox | None, bool]:
    """Queue a failed or dead row again (an admin asked); its key stays the same.
    (row, whether it was queued again)."""
    row = await Outbox.get_or_none(id=row_id, office_id=office)
    if row is None or row.state not in (FAILED, DEAD):
        return row, False
    unknown = row.last_error.startswith(INTERRUPTED)
    await Outbox.filter(id=row.id, state=row.state).update(
        state=QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        possibly_duplicate=row.possibly_duplicate or unknown,
    )
    return await Outbox.get(id=row.id), True
