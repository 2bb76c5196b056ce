"""Short garbage collections in a process that holds thousands of long-lived sockets.

Each open websocket is ~160 Python objects that live for hours. CPython's full collection
walks all of them: at 5,000 screens a single pass held the event loop 600 ms, and every
screen and kiosk waited. Every second the young generations are collected and what survives
is moved out of the collector's reach (gc.freeze), so a full collection only ever walks a
second's newcomers; full collections are also made rarer, as the freeze does their work.
Once an hour everything is handed back, so that the cycles left by sockets that closed are
reclaimed in one collection rather than kept for good.

Only with SHEBA_GC_FREEZE=true: an office with a few screens never meets the problem.
"""

from __future__ import annotations

import asyncio
import gc
import time

FREEZE_EVERY_SECS = 1.0
THAW_EVERY_SECS = 3600.0
# Young collections between full ones (CPython's default is 10). While a hall of screens
# reconnects, a default full collection of the unfrozen newcomers held the loop ~60 ms.
FULL_EVERY = 100


async def keep_collections_short(
    freeze_every: float = FREEZE_EVERY_SECS, thaw_every: float = THAW_EVERY_SECS
) -> None:
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_EVERY)
    try:
        gc.freeze()  # what start-up made lives as long as the process
        thawed = time.monotonic()
        while True:
            await asyncio.sleep(freeze_every)
            if time.monotonic() - thawed > thaw_every:
                gc.unfreeze()
                gc.collect()
                thawed = time.monotonic()
            # Young garbage is reclaimed first: frozen, it would be kept until the thaw.
            gc.collect(1)
            gc.freeze()
    finally:
        gc.set_threshold(*thresholds)
