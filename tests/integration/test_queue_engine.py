"""The queue's Lua scripts under concurrency and random command sequences, on real Redis."""

from __future__ import annotations

import asyncio
import json
import random
from collections import defaultdict
from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from redis.asyncio import Redis

from server.errors import ShebaError
from server.queue import domain
from server.queue.store import QueueStore
from tests.conftest import office_config


def eight_counter_office():  # type: ignore[no-untyped-def]
    from server.queue.office import Counter

    services = "ABCDEFG"
    counters = {
        n: Counter(n, f"কাউন্টার {n}", f"Counter {n}", tuple(services[(n + k) % 7] for k in range(3)))
        for n in range(1, 9)
    }
    return office_config(
        policy="pooled", phone_daily_limit=0, priority_share=0.05, counters=counters
    )


async def test_eight_counters_call_a_thousand_tokens_exactly_once_in_fifo_order(
    redis: Redis,
) -> None:
    office = eight_counter_office()
    store = QueueStore(redis)
    await store.install_office(office)
    rng = random.Random(7)
    issued: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for i in range(1000):
        service = rng.choice("ABCDEFG")
        try:
            result = await store.issue(
                office.slug, service, f"+88017{i:08d}", priority=rng.random() < 0.05
            )
        except ShebaError:  # the day's priority share is used up
            result = await store.issue(office.slug, service, f"+88017{i:08d}")
        token = result.data["token"]
        issued[(service, token["priority"] == "1")].append(token["id"])

    async def counter(number: int) -> int:
        served = 0
        while not (result := await store.call(office.slug, number)).data.get("empty"):
            await store.transition(office.slug, result.data["token"]["id"], "complete")
            served += 1
        return served

    served = await asyncio.gather(*(counter(n) for n in office.counters))

    assert sum(served) == 1000
    events = await redis.xrange(f"sheba:{{{office.slug}}}:events")
    called = [json.loads(f["data"])["token"] for _, f in events if f["type"] == "token.called"]
    assert len(called) == 1000
    assert len({t["id"] for t in called}) == 1000
    # The stream records the order in which the atomic scripts ran: within each service and
    # priority class, that is exactly the order of issue.
    for (service, priority), tokens in issued.items():
        in_call_order = [
            t["id"]
            for t in called
            if t["service"] == service and (t["priority"] == "1") == priority
        ]
        assert in_call_order == tokens, (service, priority)
    assert any(priority for _, priority in issued), "no priority tokens were exercised"


async def test_call_next_is_atomic_under_concurrency_on_one_counter_pair(redis: Redis) -> None:
    office = office_config(policy="pooled", phone_daily_limit=0)
    store = QueueStore(redis)
    await store.install_office(office)
    for i in range(50):
        await store.issue(office.slug, "B", f"+88017{i:08d}")
    # Counters 2 and 3 both serve B; fifty simultaneous calls from each.
    results = await asyncio.gather(
        *(store.call(office.slug, n) for n in [2, 3] * 50), return_exceptions=True
    )
    called = [
        r.data["token"]["id"]
        for r in results
        if not isinstance(r, Exception) and not r.data.get("empty")
    ]
    refused = [r for r in results if isinstance(r, ShebaError)]
    # Each counter holds one citizen until it completes: one call each succeeds.
    assert len(called) == 2 and len(set(called)) == 2
    assert all(r.code == "invalid_state" for r in refused)


async def test_day_rollover_expires_leftovers_and_restarts_numbering(redis: Redis) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Dhaka")
    now = [datetime(2026, 11, 29, 16, 0, tzinfo=tz)]

    class Shifted(domain.Clock):
        def now(self) -> datetime:
            return now[0]

    office = office_config(policy="pooled")
    store = QueueStore(redis, clock=Shifted(tz))
    await store.install_office(office)
    first = await store.issue(office.slug, "A", "+8801712345678")
    await store.issue(office.slug, "A", "+8801712345679")
    assert first.data["token"]["number"] == "1"
    now[0] += timedelta(days=1)
    next_day = await store.issue(office.slug, "A", "+8801712345678")
    assert next_day.data["token"]["number"] == "1"
    old = await store.raw_token(office.slug, first.data["token"]["id"])
    assert old and old["status"] == "expired"
    events = await redis.xrange(f"sheba:{{{office.slug}}}:events")
    rolled = [fields for _, fields in events if fields["type"] == "day.rolled"]
    assert len(rolled) == 1 and '"count":2' in rolled[0]["data"]


async def test_priority_tokens_go_first_but_are_capped(redis: Redis) -> None:
    office = office_config(policy="pooled", priority_share=0.2, phone_daily_limit=0)
    store = QueueStore(redis)
    await store.install_office(office)
    ordinary = await store.issue(office.slug, "A", "+8801712345678")
    elder = await store.issue(office.slug, "A", "+8801812345678", priority=True)
    called = await store.call(office.slug, 1)
    assert called.data["token"]["id"] == elder.data["token"]["id"]
    await store.issue(office.slug, "A", "+8801912345678", priority=True)
    try:
        await store.issue(office.slug, "A", "+8801512345678", priority=True)
        raise AssertionError("the third priority token of five should be refused")
    except ShebaError as refused:
        assert refused.code == "invalid_state"
    assert ordinary.data["token"]["status"] == "waiting"


async def test_assigned_policy_fixes_the_counter_and_idle_counters_help(redis: Redis) -> None:
    office = office_config(policy="assigned", phone_daily_limit=0)
    store = QueueStore(redis)
    await store.install_office(office)
    first = await store.issue(office.slug, "B", "+8801712345678")
    second = await store.issue(office.slug, "B", "+8801712345679")
    # Counters 2 and 3 serve B: the second citizen goes to the other, emptier counter.
    assert {first.data["token"]["counter"], second.data["token"]["counter"]} == {"2", "3"}
    await store.set_counter_state(office.slug, 3, "pause")
    third = await store.issue(office.slug, "B", "+8801712345670")
    assert third.data["token"]["counter"] == "2"
    await store.set_counter_state(office.slug, 3, "open")
    # Counter 3 empties its own queue, then takes counter 2's oldest instead of idling.
    ids = []
    for _ in range(3):
        result = await store.call(office.slug, 3)
        ids.append(result.data["token"]["id"])
        await store.transition(office.slug, ids[-1], "complete")
    assert len(set(ids)) == 3


STATUS_ACTIONS = ["serve", "complete", "no-show", "cancel", "park"]


class TokenLifecycle(RuleBasedStateMachine):
    """Random commands against the real scripts agree with a plain model of the rules."""

    def __init__(self) -> None:
        super().__init__()
        self.store: QueueStore = LIFECYCLE["store"]
        self.office = replace(office_config(policy="pooled", phone_daily_limit=0))
        self.run(self.store.install_office(self.office))
        self.model: dict[str, str] = {}
        self.at_counter: dict[int, str | None] = {n: None for n in self.office.counters}
        self.seen_events = 0

    def run(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, LIFECYCLE["loop"]).result(30)

    @rule(service=st.sampled_from("ABCDEFG"))
    def issue(self, service: str) -> None:
        result = self.run(self.store.issue(self.office.slug, service, "+8801712345678"))
        self.model[result.data["token"]["id"]] = "waiting"

    @rule(counter=st.sampled_from([1, 2, 3, 4]))
    def call_next(self, counter: int) -> None:
        busy = self.at_counter[counter]
        try:
            result = self.run(self.store.call(self.office.slug, counter))
        except ShebaError as error:
            assert busy is not None and self.model[busy] in ("called", "serving")
            assert error.code == "invalid_state"
            return
        assert busy is None or self.model[busy] not in ("called", "serving")
        if result.data.get("empty"):
            assert not any(
                s == "waiting" and self._waits_for(t, counter) for t, s in self.model.items()
            )
            return
        token_id = result.data["token"]["id"]
        assert self.model[token_id] == "waiting"
        self.model[token_id] = "called"
        self.at_counter[counter] = token_id

    def _waits_for(self, token_id: str, counter: int) -> bool:
        """A pinned token (unparked: back to the counter that called it) waits for that
        counter alone; any other for every counter serving its service."""
        raw = self.run(self.store.raw_token(self.office.slug, token_id))
        if raw.get("pinned") == "1":
            return raw.get("counter") == str(counter)
        return raw["service"] in self.office.counters[counter].services

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), action=st.sampled_from(STATUS_ACTIONS))
    def act(self, data: st.DataObject, action: str) -> None:
        # Issue order, not id order: ids are random, and the draw must not depend on them.
        token_id = data.draw(st.sampled_from(list(self.model)))
        allowed, to, _ = domain.TRANSITIONS[action]
        before = self.model[token_id]
        try:
            self.run(self.store.transition(self.office.slug, token_id, action))
        except ShebaError as error:
            assert before not in allowed
            assert error.code == "invalid_state"
            return
        assert before in allowed
        self.model[token_id] = to
        if to != "serving":
            for number, held in self.at_counter.items():
                if held == token_id:
                    self.at_counter[number] = None

    @precondition(lambda self: any(s == "parked" for s in self.model.values()))
    @rule(data=st.data())
    def unpark(self, data: st.DataObject) -> None:
        parked = [t for t, s in self.model.items() if s == "parked"]
        token_id = data.draw(st.sampled_from(parked))
        self.run(self.store.unpark(self.office.slug, token_id))
        self.model[token_id] = "waiting"

    @invariant()
    def redis_agrees_with_the_model(self) -> None:
        for token_id, status in self.model.items():
            raw = self.run(self.store.raw_token(self.office.slug, token_id))
            assert raw["status"] == status

    @invariant()
    def every_command_that_changed_something_emitted_one_event(self) -> None:
        stream = f"sheba:{{{self.office.slug}}}:events"
        events = self.run(self.store.redis.xrange(stream))
        types = [fields["type"] for _, fields in events]
        assert types.count("token.issued") == len(self.model)


LIFECYCLE: dict[str, object] = {}


async def test_token_lifecycle_state_machine(redis_url: str) -> None:
    """Hypothesis drives the machine from a worker thread; the scripts run on this loop."""
    from hypothesis.stateful import run_state_machine_as_test

    client = Redis.from_url(redis_url, decode_responses=True)
    LIFECYCLE.update(store=QueueStore(client), loop=asyncio.get_running_loop())
    try:
        await asyncio.to_thread(
            run_state_machine_as_test,
            TokenLifecycle,
            settings=settings(
                max_examples=25,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        await client.aclose()
