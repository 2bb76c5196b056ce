"""Meeting commands and reads on the live state in Redis.

Like every command, each meeting command checks its input in Python (office rules, slots,
the clock) and then runs one Lua script that checks live state, mutates it and emits one
event. The scripts share `meeting_lib.lua`, prepended after the common `lib.lua`.
"""

from __future__ import annotations

import secrets
import weakref
from datetime import date, datetime
from importlib import resources
from typing import Any

from server.errors import ShebaError
from server.queue import keys, meetings, slots
from server.queue.office import Office, Official
from server.queue.store import Actor, CommandResult, QueueStore

SCRIPT_NAMES = (
    "meeting_request",
    "meeting_seen",
    "meeting_schedule",
    "meeting_close",
    "meeting_forward",
    "meeting_escalate",
)

_stores: weakref.WeakKeyDictionary[QueueStore, MeetingStore] = weakref.WeakKeyDictionary()


def meeting_store(store: QueueStore) -> MeetingStore:
    """The meeting commands that go with a queue store (one per store, made on first use)."""
    found = _stores.get(store)
    if found is None:
        found = _stores[store] = MeetingStore(store)
    return found


def _official(office: Office, slug: object, field: str = "official") -> Official:
    if not isinstance(slug, str) or slug not in office.officials:
        raise ShebaError("not_found", "No such official.", "এমন কোনো কর্মকর্তা নেই।", field=field)
    return office.officials[slug]


class MeetingStore:
    """Requests to meet officials, the officials' answers, escalation, and the reads."""

    def __init__(self, store: QueueStore) -> None:
        self.store = store
        self.redis = store.redis
        folder = resources.files("server.queue") / "scripts"
        lib = (folder / "lib.lua").read_text() + "\n" + (folder / "meeting_lib.lua").read_text()
        # The queue store runs every script through one path (clock, day roll, error mapping);
        # meeting scripts join its table rather than copying that path.
        for name in SCRIPT_NAMES:
            text = lib + "\n" + (folder / f"{name}.lua").read_text()
            store._scripts[name] = self.redis.register_script(text)

    async def run_script(
        self, slug: str, name: str, args: list[Any], actor: Actor | None
    ) -> CommandResult:
        try:
            return await self.store._command(slug, name, args, actor)
        except ShebaError as exc:
            if exc.code != "invalid_state" or "meeting_status" not in exc.extra:
                raise
            why, status = exc.extra.get("why"), exc.extra["meeting_status"]
            if why == "moved":
                raise ShebaError(
                    "invalid_state",
                    "The request was forwarded to another official meanwhile.",
                    "অনুরোধটি এর মধ্যে অন্য কর্মকর্তার কাছে পাঠানো হয়েছে।",
                    meeting_status=status,
                ) from None
            if why == "too_early":
                raise ShebaError(
                    "invalid_state",
                    "The meeting's time has not come yet.",
                    "সাক্ষাতের সময় এখনো হয়নি।",
                    field="at",
                    meeting_status=status,
                ) from None
            raise ShebaError(
                "invalid_state",
                f"Not allowed while the meeting is {status}.",
                f"সাক্ষাৎটি এখন '{status}' অবস্থায়; এটি করা যায় না।",
                meeting_status=status,
            ) from None

    # -- commands ------------------------------------------------------------------------

    async def request(
        self,
        slug: str,
        official_slug: object,
        phone: str,
        *,
        name: str,
        purpose: str,
        details: str = "",
        lang: str = "bn",
        day: date | None = None,
        actor: Actor | None = None,
    ) -> CommandResult:
        office = await self.store.office(slug)
        official = _official(office, official_slug)
        now = self.store.clock.now()
        day = day or now.date()
        if day < now.date() or (day - now.date()).days > slots.MAX_ADVANCE_DAYS:
            raise ShebaError(
                "invalid_input",
                f"Choose a day from today to {slots.MAX_ADVANCE_DAYS} days ahead.",
                f"আজ থেকে {slots.MAX_ADVANCE_DAYS} দিনের মধ্যে একটি দিন বেছে নিন।",
                field="day",
            )
        following = slots.next_working_day(office, day)
        if day != now.date() and not slots.is_working_date(office, day):
            raise ShebaError(
                "invalid_input",
                "That day is not a working day.",
                "দিনটি কর্মদিবস নয়।",
                field="day",
                next_day=following.isoformat() if following else None,
            )
        # The official owes an answer now, even for a later day: the reply clock starts at
        # the request and runs in the official's hours only.
        due = slots.add_working_minutes(office, official, now, official.reply_target_minutes)
        prefix, prefix_bn = official.prefixes()
        return await self.run_script(
            slug,
            "meeting_request",
            [
                secrets.token_urlsafe(12),
                official.slug,
                phone,
                name,
                purpose,
                details,
                lang,
                day.isoformat(),
                official.daily_cap,
                following.isoformat() if following else "",
                official.name_bn,
                official.name_en,
                prefix,
                prefix_bn,
                str(int(due.timestamp() * 1000)) if due else "",
            ],
            actor,
        )

    async def owned(self, slug: str, meeting_id: str, actor: Actor) -> dict[str, str]:
        """The meeting, if this actor may act on it: its own official, or an admin."""
        raw = await self.raw(slug, meeting_id)
        if raw is None:
            raise ShebaError("not_found", "No such meeting.", "এমন কোনো সাক্ষাৎ নেই।", field="meeting")
        if actor.role != "admin" and raw["official"] != actor.official:
            raise ShebaError(
                "forbidden",
                "This request is for another official.",
                "এই অনুরোধটি অন্য কর্মকর্তার।",
            )
        return raw

    async def seen(self, slug: str, meeting_id: str, actor: Actor) -> CommandResult:
        raw = await self.owned(slug, meeting_id, actor)
        return await self.run_script(slug, "meeting_seen", [meeting_id, raw["official"]], actor)

    async def schedule(
        self, slug: str, meeting_id: str, at: datetime, actor: Actor, *, reschedule: bool = False
    ) -> CommandResult:
        raw = await self.owned(slug, meeting_id, actor)
        office = await self.store.office(slug)
        official = _official(office, raw["official"])
        now = self.store.clock.now()
        at = at.astimezone(now.tzinfo) if at.tzinfo else at.replace(tzinfo=now.tzinfo)
        problem = slots.slot_problem(office, official, at, now)
        if problem:
            en, bn = slots.PROBLEM_MESSAGES[problem]
            raise ShebaError("invalid_slot", en, bn, field="at", why=problem)
        return await self.run_script(
            slug,
            "meeting_schedule",
            [
                meeting_id,
                raw["official"],
                "reschedule" if reschedule else "schedule",
                at.date().isoformat(),
                at.strftime("%H:%M"),
                at.isoformat(timespec="minutes"),
                str(int(at.timestamp() * 1000)),
            ],
            actor,
        )

    async def close(
        self,
        slug: str,
        meeting_id: str,
        action: str,
        actor: Actor,
        *,
        reason_code: str = "",
        reason: str = "",
    ) -> CommandResult:
        allowed, to, event_type, after_at = meetings.CLOSING[action]
        raw = await self.owned(slug, meeting_id, actor)
        return await self.run_script(
            slug,
            "meeting_close",
            [
                meeting_id,
                raw["official"],
                ",".join(sorted(allowed)),
                to,
                event_type,
                reason_code,
                reason,
                "1" if after_at else "0",
            ],
            actor,
        )

    async def forward(
        self, slug: str, meeting_id: str, to: object, deadline: datetime, actor: Actor
    ) -> CommandResult:
        raw = await self.owned(slug, meeting_id, actor)
        office = await self.store.office(slug)
        target = _official(office, to, field="to")
        now = self.store.clock.now()
        deadline = deadline if deadline.tzinfo else deadline.replace(tzinfo=now.tzinfo)
        if target.slug == raw["official"] or deadline <= now:
            raise ShebaError(
                "invalid_input",
                "Forward to another official, with a deadline in the future.",
                "অন্য একজন কর্মকর্তার কাছে, ভবিষ্যতের একটি সময়সীমাসহ পাঠান।",
                field="to" if target.slug == raw["official"] else "deadline",
            )
        return await self.run_script(
            slug,
            "meeting_forward",
            [
                meeting_id,
                raw["official"],
                target.slug,
                target.name_bn,
                target.name_en,
                str(int(deadline.timestamp() * 1000)),
                deadline.astimezone(now.tzinfo).isoformat(timespec="minutes"),
            ],
            actor,
        )

    # -- reads ---------------------------------------------------------------------------

    async def raw(self, slug: str, meeting_id: str) -> dict[str, str] | None:
        if not meeting_id or len(meeting_id) > 40:
            return None
        return await self.redis.hgetall(keys.meeting(slug, meeting_id)) or None

    async def find(self, meeting_id: str) -> dict[str, str] | None:
        """A meeting by its id alone: the citizen's tracking link names no office."""
        for slug in await self.store.office_slugs():
            raw = await self.raw(slug, meeting_id)
            if raw:
                return raw
        return None

    async def position(self, raw: dict[str, str]) -> int | None:
        """How many pending requests are before this one; None when not pending."""
        if raw.get("status") != meetings.PENDING:
            return None
        return await self.redis.zrank(
            keys.meetings_pending(raw["office"], raw["official"]), raw["id"]
        )

    async def all(self, slug: str) -> list[dict[str, str]]:
        """Every live meeting of the office, oldest request first."""
        ids = await self.redis.zrange(keys.meetings_all(slug), 0, -1)
        pipe = self.redis.pipeline(transaction=False)
        for meeting_id in ids:
            pipe.hgetall(keys.meeting(slug, meeting_id))
        return [row for row in await pipe.execute() if row]

    async def taken(self, slug: str, official: str, days: list[date]) -> list[datetime]:
        """Claimed slot starts of an official on these days."""
        tz = self.store.tz
        pipe = self.redis.pipeline(transaction=False)
        for day in days:
            pipe.hkeys(keys.meeting_slots(slug, official, day.isoformat()))
        found = []
        for day, starts in zip(days, await pipe.execute(), strict=True):
            for hhmm in starts:
                found.append(datetime.fromisoformat(f"{day.isoformat()}T{hhmm}").replace(tzinfo=tz))
        return found
