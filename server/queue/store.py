"""The only class that runs the queue's Lua scripts.

Each command prepares its arguments in Python (validation, clock, configuration), then runs
one script that checks the live state, mutates it and emits exactly one event, atomically.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import BlockingConnectionPool, Redis
from redis.commands.core import AsyncScript

from server.errors import ShebaError
from server.queue import domain, hours, keys
from server.queue.office import Office

SCRIPT_NAMES = (
    "issue",
    "call",
    "recall",
    "transition",
    "unpark",
    "transfer",
    "prioritise",
    "counter_state",
    "rollover",
    "defer",
)
# A process re-reads an office's configuration from Redis at most this often, so an admin's
# change reaches every worker within a few seconds without a read on every request.
CONFIG_CACHE_SECS = 5.0


def _load_scripts(redis: Redis) -> dict[str, AsyncScript]:
    folder = resources.files("server.queue") / "scripts"
    lib = (folder / "lib.lua").read_text()
    return {
        name: redis.register_script(lib + "\n" + (folder / f"{name}.lua").read_text())
        for name in SCRIPT_NAMES
    }


@dataclass(frozen=True)
class Actor:
    """Who asked for a command: recorded on its event and so in the audit log."""

    kind: str  # "user", "apikey" or "public"
    id: str
    role: str
    office: str | None = None
    name: str = ""
    official: str | None = None
    device: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "id": self.id,
                "role": self.role,
                "name": self.name,
                "device": self.device,
            },
            ensure_ascii=False,
        )


@dataclass
class CommandResult:
    event_type: str | None
    event_id: str | None
    data: dict[str, Any]
    replay: bool = False


def open_redis(url: str, max_connections: int) -> Redis:
    """The command connection pool: a caller waits for a free connection (up to 10 s).

    redis-py's default pool raises MaxConnectionsError at once when every connection is
    busy; a hall of screens reconnecting together then lost sockets with a 500.
    """
    pool = BlockingConnectionPool.from_url(
        url, max_connections=max_connections, timeout=10, decode_responses=True
    )
    return Redis(connection_pool=pool)


class QueueStore:
    """Commands and reads on the live state of offices in one Redis."""

    def __init__(
        self,
        redis: Redis,
        *,
        tz: str = "Asia/Dhaka",
        retention_secs: int = 36 * 3600,
        clock: domain.Clock | None = None,
    ) -> None:
        self.redis = redis
        self.tz = ZoneInfo(tz)
        self.clock = clock or domain.Clock(self.tz)
        self.retention_ms = retention_secs * 1000
        self._scripts = _load_scripts(redis)
        self._configs: dict[str, tuple[float, Office]] = {}
        self._days: dict[str, str] = {}

    # -- configuration -------------------------------------------------------------------

    async def install_office(self, office: Office) -> None:
        """Mirror an office's configuration into Redis; live state is left as it is."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(keys.config(office.slug), json.dumps(office.to_dict(), ensure_ascii=False))
        pipe.sadd(keys.offices(), office.slug)
        # Start-up recovery sets the epoch first (its SET NX decides who rebuilds); an office
        # installed any other way starts at epoch 1.
        pipe.set(keys.epoch(office.slug), "1", nx=True)
        for counter in office.counters.values():
            ck = keys.counter(office.slug, counter.number)
            pipe.hset(ck, "services", ",".join(counter.services))
            pipe.hsetnx(
                ck,
                "state",
                domain.COUNTER_STATE_NAMES.get(counter.initial_state, counter.initial_state),
            )
            pipe.hsetnx(ck, "token", "")
        await pipe.execute()
        self._configs[office.slug] = (time.monotonic(), office)

    async def office(self, slug: str) -> Office:
        cached = self._configs.get(slug)
        if cached and time.monotonic() - cached[0] < CONFIG_CACHE_SECS:
            return cached[1]
        raw = await self.redis.get(keys.config(slug)) if keys.OFFICE_SLUG.fullmatch(slug) else None
        if raw is None:
            raise ShebaError("not_found", "No such office.", "এমন কোনো অফিস নেই।", field="office")
        office = Office.from_dict(json.loads(raw))
        self._configs[slug] = (time.monotonic(), office)
        return office

    async def office_slugs(self) -> list[str]:
        return sorted(await self.redis.smembers(keys.offices()))

    async def epoch(self, slug: str) -> str:
        return await self.redis.get(keys.epoch(slug)) or "1"

    # -- running scripts -----------------------------------------------------------------

    async def _run(
        self, office: Office, name: str, args: list[Any], actor: Actor | None, now: datetime
    ) -> dict[str, Any]:
        now_ms = int(now.timestamp() * 1000)
        common = [
            office.slug,
            str(now_ms),
            now.isoformat(timespec="seconds"),
            now.date().isoformat(),
            str(max(0, now_ms - self.retention_ms)),
            actor.to_json() if actor else "",
        ]
        raw = await self._scripts[name](
            keys=[keys.events(office.slug)], args=common + [str(a) for a in args]
        )
        result: dict[str, Any] = json.loads(raw)
        if "error" in result:
            raise _script_error(result)
        return result

    async def _command(
        self, slug: str, name: str, args: list[Any], actor: Actor | None
    ) -> CommandResult:
        office = await self.office(slug)
        now = self.clock.now()
        await self.roll_day(office, now)
        result = await self._run(office, name, args, actor, now)
        return CommandResult(
            result.pop("event_type", None),
            result.pop("event_id", None),
            result,
            replay=bool(result.get("replay")),
        )

    async def roll_day(self, office: Office, now: datetime) -> None:
        """Close yesterday's leftovers once per office per day (the script is idempotent)."""
        day = now.date().isoformat()
        if self._days.get(office.slug) == day:
            return
        await self._run(
            office,
            "rollover",
            [",".join(office.services), ",".join(str(c) for c in office.counters)],
            None,
            now,
        )
        self._days[office.slug] = day

    # -- commands ------------------------------------------------------------------------

    async def issue(
        self,
        slug: str,
        service_code: str,
        phone: str,
        *,
        actor: Actor | None = None,
        idempotency_key: str = "",
        priority: bool = False,
        lang: str = "bn",
    ) -> CommandResult:
        office = await self.office(slug)
        service = office.service(service_code)
        now = self.clock.now()
        if not hours.is_open(office, service, now):
            opens = hours.next_opening(office, service, now)
            raise ShebaError(
                "service_closed",
                opens_at=opens.isoformat(timespec="minutes") if opens else None,
            )
        priority_ok = "1"
        if priority:
            stats = await self.day_stats(slug, now.date().isoformat())
            allowed = domain.priority_allowed(
                int(stats.get("priority", 0)), int(stats.get("issued", 0)), office.priority_share
            )
            priority_ok = "1" if allowed else "0"
        return await self._command(
            slug,
            "issue",
            [
                secrets.token_urlsafe(12),
                service.code,
                phone,
                "1" if priority else "0",
                idempotency_key,
                office.idempotency_ttl_secs,
                office.phone_daily_limit if actor is None or actor.role == "kiosk" else 0,
                service.daily_quota,
                service.code,
                service.prefix_bn,
                office.policy,
                ",".join(str(c) for c in office.counters_serving(service.code)),
                lang,
                priority_ok,
            ],
            actor,
        )

    async def call(
        self,
        slug: str,
        counter: int,
        *,
        token_id: str = "",
        reason: str = "",
        actor: Actor | None = None,
    ) -> CommandResult:
        office = await self.office(slug)
        office.counter(counter)
        return await self._command(slug, "call", [counter, token_id, reason], actor)

    async def recall(
        self, slug: str, token_id: str, *, actor: Actor | None = None
    ) -> CommandResult:
        office = await self.office(slug)
        return await self._command(slug, "recall", [token_id, office.recall_limit], actor)

    async def transition(
        self,
        slug: str,
        token_id: str,
        action: str,
        *,
        outcome: str = "",
        actor: Actor | None = None,
    ) -> CommandResult:
        allowed, to, event_type = domain.TRANSITIONS[action]
        return await self._command(
            slug,
            "transition",
            [token_id, ",".join(sorted(allowed)), to, event_type, outcome],
            actor,
        )

    async def unpark(
        self, slug: str, token_id: str, *, actor: Actor | None = None
    ) -> CommandResult:
        return await self._command(slug, "unpark", [token_id], actor)

    async def transfer(
        self,
        slug: str,
        token_id: str,
        *,
        service: str | None = None,
        counter: int | None = None,
        actor: Actor | None = None,
    ) -> CommandResult:
        office = await self.office(slug)
        to_service = office.service(service).code if service is not None else ""
        to_counter = str(office.counter(counter).number) if counter is not None else ""
        serving = (
            ",".join(str(c) for c in office.counters_serving(to_service)) if to_service else ""
        )
        return await self._command(
            slug, "transfer", [token_id, to_service, to_counter, office.policy, serving], actor
        )

    async def prioritise(
        self, slug: str, token_id: str, *, actor: Actor | None = None
    ) -> CommandResult:
        office = await self.office(slug)
        raw = await self.raw_token(slug, token_id)
        if raw is None:
            raise ShebaError("not_found", field="token")
        stats = await self.day_stats(slug, raw["day"])
        allowed = domain.priority_allowed(
            int(stats.get("priority", 0)), int(stats.get("issued", 0)), office.priority_share
        )
        return await self._command(slug, "prioritise", [token_id, "1" if allowed else "0"], actor)

    async def defer(
        self, slug: str, token_id: str, places: int = 3, *, actor: Actor | None = None
    ) -> CommandResult:
        """Move a waiting token back `places` places, once per token (more time, by SMS)."""
        return await self._command(slug, "defer", [token_id, places], actor)

    async def set_counter_state(
        self, slug: str, counter: int, state: str, *, actor: Actor | None = None
    ) -> CommandResult:
        office = await self.office(slug)
        office.counter(counter)
        return await self._command(
            slug,
            "counter_state",
            [counter, domain.COUNTER_STATE_NAMES[state], domain.COUNTER_STATES[state]],
            actor,
        )

    # -- reads ---------------------------------------------------------------------------

    async def raw_token(self, slug: str, token_id: str) -> dict[str, str] | None:
        raw = await self.redis.hgetall(keys.token(slug, token_id))
        return raw or None

    async def find_token(self, token_id: str) -> dict[str, str] | None:
        """A token by its id alone: the citizen's tracking link names no office."""
        for slug in await self.office_slugs():
            raw = await self.raw_token(slug, token_id)
            if raw:
                return raw
        return None

    async def day_stats(self, slug: str, day: str) -> dict[str, str]:
        return await self.redis.hgetall(keys.day_stats(slug, day))

    async def position(self, raw: dict[str, str]) -> tuple[int | None, int | None]:
        """(position, minutes) for a waiting token: position 1 is next; None when not waiting."""
        if raw.get("status") != domain.WAITING:
            return None, None
        office = await self.office(raw["office"])
        if raw.get("pinned") == "1" or (office.policy == "assigned" and raw.get("counter")):
            queue = keys.counter_queue(office.slug, raw["counter"])
            serving = 1
        else:
            queue = keys.service_queue(office.slug, raw["service"])
            serving = await self._open_counters(office, raw["service"])
        ahead = await self.redis.zrank(queue, raw["id"])
        if ahead is None:
            return None, None
        avg = await self.avg_service_secs(office, raw["service"])
        return ahead + 1, domain.eta_minutes(ahead, avg, serving)

    async def issued_view(self, result: CommandResult) -> dict[str, Any]:
        """The reply to an issue: the issue script already counted the people ahead."""
        raw = result.data["token"]
        if "ahead" not in result.data:  # an idempotent replay: read the live position
            return await self.token_view(raw)
        office = await self.office(raw["office"])
        avg = result.data.get("avg_secs") or office.service(raw["service"]).avg_minutes * 60
        ahead = int(result.data["ahead"])
        eta = domain.eta_minutes(ahead, float(avg), int(result.data["open_counters"]))
        return domain.public_token(raw, self.tz, position=ahead + 1, eta=eta)

    async def avg_service_secs(self, office: Office, code: str) -> float:
        measured = await self.redis.hget(keys.service_stats(office.slug, code), "avg_secs")
        return float(measured) if measured else office.service(code).avg_minutes * 60

    async def _open_counters(self, office: Office, code: str) -> int:
        pipe = self.redis.pipeline(transaction=False)
        numbers = office.counters_serving(code)
        for number in numbers:
            pipe.hget(keys.counter(office.slug, number), "state")
        states = await pipe.execute()
        return sum(1 for s in states if s == "open") or 1

    async def token_view(
        self, raw: dict[str, str], *, reveal_phone: bool = False
    ) -> dict[str, Any]:
        position, eta = await self.position(raw)
        return domain.public_token(
            raw, self.tz, position=position, eta=eta, reveal_phone=reveal_phone
        )

    async def counters(self, slug: str) -> list[dict[str, Any]]:
        office = await self.office(slug)
        pipe = self.redis.pipeline(transaction=False)
        for number in office.counters:
            pipe.hgetall(keys.counter(slug, number))
        rows = await pipe.execute()
        return [
            {
                "number": number,
                "name_bn": office.counters[number].name_bn,
                "name_en": office.counters[number].name_en,
                "services": list(office.counters[number].services),
                "state": row.get("state", "closed"),
                "token": row.get("token") or None,
            }
            for number, row in zip(office.counters, rows, strict=True)
        ]

    async def queue(self, slug: str, service: str) -> list[str]:
        return await self.redis.zrange(keys.service_queue(slug, service), 0, -1)

    async def queue_lengths(self, slug: str) -> dict[str, int]:
        office = await self.office(slug)
        pipe = self.redis.pipeline(transaction=False)
        for code in office.services:
            pipe.zcard(keys.service_queue(slug, code))
        return dict(zip(office.services, await pipe.execute(), strict=True))

    async def counter_queue(self, slug: str, number: int | str) -> list[str]:
        return await self.redis.zrange(keys.counter_queue(slug, number), 0, -1)

    async def recent_calls(self, slug: str, count: int) -> list[str]:
        """Ids of the latest calls (and recalls), newest first."""
        return await self.redis.lrange(keys.recent_calls(slug), 0, count - 1)

    async def raw_tokens(self, slug: str, ids: list[str | None]) -> list[dict[str, str] | None]:
        """Raw token hashes in one round trip; None for an empty id or a missing token."""
        pipe = self.redis.pipeline(transaction=False)
        for token_id in ids:
            pipe.hgetall(keys.token(slug, token_id or "-"))
        rows = await pipe.execute()
        return [row if row and token_id else None for token_id, row in zip(ids, rows, strict=True)]


def _script_error(result: dict[str, Any]) -> ShebaError:
    code = result.pop("error")
    if code == "priority_cap":
        return ShebaError(
            "invalid_state",
            "Today's share of priority tokens is used up.",
            "আজকের অগ্রাধিকার টোকেনের সীমা শেষ।",
        )
    if code == "invalid_state" and "status" in result:
        status = result["status"]
        return ShebaError(
            "invalid_state",
            f"Not allowed while the token is {status}.",
            f"টোকেনটি এখন '{status}' অবস্থায়; এটি করা যায় না।",
            **_plain(result),
        )
    if code == "invalid_state" and "counter_state" in result:
        return ShebaError(
            "invalid_state",
            f"The counter is {result['counter_state']}.",
            "কাউন্টারটি এখন খোলা নেই বা ব্যস্ত।",
            **_plain(result),
        )
    field = result.pop("field", None)
    return ShebaError(code, field=field, **_plain(result))


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    """Drop raw token hashes (they hold phones) from what goes back to a client."""
    return {k: v for k, v in result.items() if k != "token"}
