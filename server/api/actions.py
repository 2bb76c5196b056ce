"""Routes of the form `.../{id}/{action}`: a table from action name to handler.

An unknown action is refused before anyone is asked to log in; a known one is authorised,
its optional JSON body read, and its handler given a `Call` with all of that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.requests import Request

from server.api.auth import authorise
from server.api.http import read_json
from server.errors import ShebaError
from server.queue.store import Actor, CommandResult

S = TypeVar("S")


@dataclass(frozen=True)
class Call(Generic[S]):
    """One action on one token or meeting, as its handler gets it."""

    store: S
    office: str
    target: str
    action: str
    body: dict[str, Any]
    actor: Actor


Handler = Callable[[Call[S]], Awaitable[CommandResult]]


async def run_action(
    request: Request,
    table: Mapping[str, Handler[S]],
    roles: tuple[str, ...],
    target: str,
    store: Callable[[Request], S],
) -> CommandResult:
    """Run the handler `table` has for the path's `{action}` on the path's `{target}`."""
    office = request.path_params["office"]
    action = request.path_params["action"]
    handler = table.get(action)
    if handler is None:
        raise ShebaError("not_found", field="action")
    actor = authorise(await request.state.sessions.actor(request), office, roles)
    body = await read_json(request, optional=True)
    call = Call(store(request), office, request.path_params[target], action, body, actor)
    return await handler(call)
