"""Stopping background tasks."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


# A task that has not ended this long after its cancellation is left to end on its own.
STOP_WAIT_SECS = 10.0


async def stop(*tasks: asyncio.Task[object] | None) -> None:
    """Cancel the tasks and wait until each has ended (at most STOP_WAIT_SECS in all).

    Their CancelledError ends here; the caller's own does not: a caller cancelled while it
    waits (a timeout around it, say) is cancelled still. `suppress(CancelledError)` around
    the wait would swallow both.
    """
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    if not running:
        return
    done, pending = await asyncio.wait(running, timeout=STOP_WAIT_SECS)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s ended with an error", task, exc_info=task.exception())
    for task in pending:
        log.warning("task %s is still running %.0f s after it was cancelled", task, STOP_WAIT_SECS)


def cancelled() -> bool:
    """Is the current task being cancelled? For loops that catch errors and carry on: a
    library may turn the CancelledError into its own error on the way out."""
    current = asyncio.current_task()
    return current is not None and current.cancelling() > 0
