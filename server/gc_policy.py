"""Short garbage collections in a process that holds thousands of long-lived sockets.

Each open websocket is ~160 Python objects that live for hours. CPython's full collection
walks all of them: at 5,000 screens a single pass held the event loop 600 ms, and every
screen and kiosk waited. Objects that have lived a while are moved out of the collector's
reach (gc.freeze) every few seconds; once an hour they are handed back, so that the cycles
left by sockets that closed are reclaimed in one collection rather than kept for good.

Only with SHEBA_GC_FREEZE=true: an office with a few screens never meets the problem.
"""

from __future__ import annotations

import asyncio
import gc
import time

FREEZE_EVERY_SECS = 10.0
THAW_EVERY_SECS = 3600.0


async def keep_collections_short(
    freeze_every: float = FREEZE_EVERY_SECS, thaw_every: float = THAW_EVERY_SECS
) -> None:
    gc.freeze()  # what start-up made lives as long as the process
    thawed = time.monotonic()
    while True:
        await asyncio.sleep(freeze_every)
        if time.monotonic() - thawed > thaw_every:
            gc.unfreeze()
            gc.collect()
            thawed = time.monotonic()
        gc.freeze()
