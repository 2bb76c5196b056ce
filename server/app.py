"""The Starlette application: its factory and the lifespan that owns Redis, SQL and consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TypedDict

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from server import notify
from server.api import counter_extras, devices, meetings, notifications, openapi, session, tokens
from server.api.auth import Sessions, sync_api_keys
from server.api.http import http_error, sheba_error, unexpected_error
from server.consumers import build as build_consumers
from server.errors import ShebaError
from server.gc_policy import keep_collections_short
from server.queue.store import QueueStore, open_redis
from server.realtime import routes as realtime
from server.realtime.direct import RawSendMiddleware
from server.realtime.groups import GroupConsumer
from server.realtime.hub import Hub
from server.realtime.metrics import Metrics
from server.redis_server import EmbeddedRedis
from server.settings import Settings
from server.store.db import MODELS, run_migrations
from server.store.recovery import install_offices, keep_offices_installed
from server.tasks import stop
from server.web import announce, kiosk, meeting_pages, pages, screens

log = logging.getLogger(__name__)


class State(TypedDict):
    settings: Settings
    redis: Redis
    store: QueueStore
    sessions: Sessions
    persister: GroupConsumer
    hub: Hub
    notifications: notify.Notifications
    notifier: GroupConsumer


async def healthz(request: Request) -> JSONResponse:
    status = {"redis": "ok", "db": "ok"}
    try:
        async with asyncio.timeout(2):
            await request.state.redis.ping()
    except Exception:
        status["redis"] = "down"
    try:
        async with asyncio.timeout(2):
            await connections.get("default").execute_query("SELECT 1")
    except Exception:
        status["db"] = "down"
    return JSONResponse(status, status_code=200 if set(status.values()) == {"ok"} else 503)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with contextlib.AsyncExitStack() as stack:
            redis_url = settings.redis_url
            if not redis_url:
                embedded = EmbeddedRedis(settings.data_path())
                redis_url = embedded.start()
                stack.callback(embedded.stop)
            if settings.auto_migrate:
                await run_migrations(settings.db_url())
            await stack.enter_async_context(
                RegisterTortoise(app, db_url=settings.db_url(), modules={"models": [MODELS]})
            )
            redis = open_redis(redis_url, max_connections=64)
            stack.push_async_callback(redis.aclose)
            store = QueueStore(
                redis, tz=settings.timezone, retention_secs=settings.stream_retention_secs
            )
            await install_offices(store)
            await sync_api_keys(redis)
            consumers = build_consumers(settings, store, redis, redis_url)
            tasks = [asyncio.create_task(keep_offices_installed(store), name="office-keeper")]
            if settings.gc_freeze:
                tasks.append(asyncio.create_task(keep_collections_short(), name="gc"))
            if settings.run_consumers:
                tasks.extend(
                    asyncio.create_task(job, name=name)
                    for name, job in consumers.jobs(settings, store, redis_url)
                )
            for task in tasks:
                stack.push_async_callback(stop, task)
            hub = Hub(redis_url, store, Metrics())
            await hub.start()
            stack.push_async_callback(hub.stop)
            state = State(
                settings=settings,
                redis=redis,
                store=store,
                sessions=Sessions(redis, settings.signing_key(), settings.session_ttl_secs),
                persister=consumers.persister,
                hub=hub,
                notifications=consumers.notifications,
                notifier=consumers.notifier,
            )
            # Requests see this as request.state; the CLI and tests reach it through the app.
            app.state.runtime = state
            yield state

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            # Before tokens.routes: its POST /tokens/{token_id}/{action} would match ours.
            *counter_extras.routes,
            *devices.routes,
            *announce.routes,
            *screens.routes,
            *meeting_pages.routes,
            *notifications.routes,
            *tokens.routes,
            *session.routes,
            *realtime.routes,
            *kiosk.routes,
            *pages.routes,
            *openapi.routes,
            *meetings.routes(),
        ],
        lifespan=lifespan,
        middleware=[Middleware(RawSendMiddleware)],
        exception_handlers={
            ShebaError: sheba_error,
            HTTPException: http_error,
            Exception: unexpected_error,
        },
    )
