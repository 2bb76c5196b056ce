"""The bare reference: a minimal Starlette endpoint that runs one INCR + ZADD + XADD script.

What any Redis-backed Starlette service on this machine can do; Sheba is measured against it
so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SCRIPT = """
local n = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], n, ARGV[1] .. n)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100000, '*', 'type', 'bench', 'data', ARGV[1])
return n
"""


def create_app() -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict]:
        redis = Redis.from_url(os.environ["BENCH_REDIS_URL"], decode_responses=True)
        yield {"script": redis.register_script(SCRIPT)}
        await redis.aclose()

    async def issue(request: Request) -> JSONResponse:
        body = await request.json()
        n = await request.state.script(
            keys=["bench:{b}:seq", "bench:{b}:q", "bench:{b}:events"], args=[body["phone"]]
        )
        return JSONResponse({"number": n}, status_code=201)

    return Starlette(routes=[Route("/issue", issue, methods=["POST"])], lifespan=lifespan)
