"""Stopping background tasks."""

from __future__ import annotations

import asyncio


async def stop(*tasks: asyncio.Task[object] | None) -> None:
    """Cancel the tasks and wait until each has ended.

    Their CancelledError ends here; the caller's own does not: a caller cancelled while it
    waits (a timeout around it, say) is cancelled still. `suppress(CancelledError)` around
    the wait would swallow both.
    """
    running = [task for task in tasks if task is not None]
    for task in running:
        task.cancel()
    for task in running:
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
