"""Long-lived objects leave the collector's reach, and garbage cycles among them are still
reclaimed once they are handed back."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref

from server.gc_policy import keep_collections_short


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


async def test_frozen_cycles_are_reclaimed_after_a_thaw() -> None:
    gc.unfreeze()
    first, second = Node(), Node()
    first.other, second.other = second, first
    reclaimed = asyncio.Event()
    loop = asyncio.get_running_loop()
    gone = weakref.ref(first, lambda _: loop.call_soon(reclaimed.set))
    task = asyncio.create_task(keep_collections_short(freeze_every=0.01, thaw_every=0.2))
    try:
        await asyncio.sleep(0)  # the task's first step freezes what exists
        assert gc.get_freeze_count() > 0
        del first, second
        gc.collect()
        assert gone() is not None, "a frozen cycle is not collected"
        await asyncio.wait_for(reclaimed.wait(), 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        gc.unfreeze()


async def test_young_garbage_is_reclaimed_before_a_freeze_and_thresholds_come_back() -> None:
    gc.unfreeze()
    thresholds = gc.get_threshold()
    task = asyncio.create_task(keep_collections_short(freeze_every=0.01, thaw_every=3600))
    gc.disable()  # only the policy may collect: the cycle below must not be frozen
    try:
        await asyncio.sleep(0)
        assert gc.get_threshold()[2] > thresholds[2]
        first, second = Node(), Node()
        first.other, second.other = second, first
        reclaimed = asyncio.Event()
        loop = asyncio.get_running_loop()
        gone = weakref.ref(first, lambda _: loop.call_soon(reclaimed.set))
        del first, second
        await asyncio.wait_for(reclaimed.wait(), 5)
        assert gone() is None
    finally:
        gc.enable()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        gc.unfreeze()
    assert gc.get_threshold() == thresholds
