"""Shared fixtures: real Redis servers, real databases, a real server on a loopback port.

Redis: the embedded one always, and the one at SHEBA_TEST_REDIS_URL when set.
SQL: SQLite always, and PostgreSQL at SHEBA_TEST_DATABASE_URL when set (a fresh database is
created for the run and dropped after it).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import pytest
import uvicorn
from redis.asyncio import Redis

from server.queue.office import Office
from server.queue.store import QueueStore
from server.redis_server import EmbeddedRedis
from server.store.offices import demo_office

if TYPE_CHECKING:
    from server.notify import Notifications
    from tests.integration.http_stand_in import GatewayStandIn

CI_REDIS = os.environ.get("SHEBA_TEST_REDIS_URL")
CI_DATABASE = os.environ.get("SHEBA_TEST_DATABASE_URL")

REDIS_PARAMS = ["embedded"] + (["ci"] if CI_REDIS else [])
# Each backend pairs one Redis with one database, so both Redis servers and both databases
# are exercised without running the whole suite four times.
BACKEND_PARAMS = ["embedded-sqlite"] + (["ci-postgres"] if CI_REDIS and CI_DATABASE else [])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long end-to-end scenarios run once, on the production-like backend when there is one."""
    keep, drop = [], []
    for item in items:
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("backend")
        if item.get_closest_marker("one_backend") and backend not in (None, BACKEND_PARAMS[-1]):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    with EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendonly=False) as server:
        yield server


def _redis_url(which: str, embedded: EmbeddedRedis) -> str:
    return CI_REDIS if which == "ci" and CI_REDIS else embedded.url


@pytest.fixture(scope="session", params=REDIS_PARAMS)
def redis_url(request: pytest.FixtureRequest, embedded_redis: EmbeddedRedis) -> str:
    """Logical database 1: store-level tests keep out of the way of the live server's
    consumers, which read every office they find in database 0."""
    url = _redis_url(request.param, embedded_redis)
    if url.startswith("unix://"):
        return url + "?db=1"
    return url.rsplit("/", 1)[0] + "/1" if url.count("/") > 2 else url + "/1"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


def office_config(**changes: object) -> Office:
    """The demo office under a fresh slug, so tests never share live state."""
    return replace(demo_office(), slug="t" + secrets.token_hex(5), **changes)


async def _postgres_database() -> tuple[str, str]:
    import asyncpg

    assert CI_DATABASE
    name = "sheba_test_" + secrets.token_hex(4)
    conn = await asyncpg.connect(CI_DATABASE.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = CI_DATABASE.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    assert CI_DATABASE
    conn = await asyncpg.connect(CI_DATABASE.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class LiveServer:
    """A real uvicorn serving the app on a loopback port, in the test's event loop."""

    def __init__(self, app: object, sock: socket.socket) -> None:
        self.app = app
        self.sock = sock
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self.ws_url = f"ws://{host}:{port}"
        config = uvicorn.Config(app, log_level="warning", ws_per_message_deflate=False)
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve(sockets=[self.sock]))
        # Connections wait in the listen backlog until start-up is done; one request is
        # enough to know the app is serving.
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as client:
            (await client.get("/healthz")).raise_for_status()

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task:
            await self.task


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


@pytest.fixture(scope="session", params=BACKEND_PARAMS)
async def backend(
    request: pytest.FixtureRequest,
    embedded_redis: EmbeddedRedis,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[dict[str, str]]:
    data_dir: Path = tmp_path_factory.mktemp("data")
    if request.param == "ci-postgres":
        name, db_url = await _postgres_database()
        yield {
            "redis_url": _redis_url("ci", embedded_redis),
            "database_url": db_url,
            "data_dir": str(data_dir),
        }
        await _drop_postgres_database(name)
    else:
        yield {
            "redis_url": embedded_redis.url,
            "database_url": f"sqlite://{data_dir / 'sheba.sqlite3'}",
            "data_dir": str(data_dir),
        }


@pytest.fixture(scope="session")
async def live(backend: dict[str, str]) -> AsyncIterator[LiveServer]:
    # Tortoise caches INSERT statements per connection name for the life of the process; a
    # second backend in the same run (SQLite, then PostgreSQL) must not reuse the first's SQL.
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    from server.app import create_app
    from server.settings import Settings

    EXECUTOR_CACHE.clear()
    sock = bound_socket()
    settings = Settings(
        redis_url=backend["redis_url"],
        database_url=backend["database_url"],
        data_dir=Path(backend["data_dir"]),
        create_demo=False,
        public_url="http://127.0.0.1:" + str(sock.getsockname()[1]),
        _env_file=None,
    )
    server = LiveServer(create_app(settings), sock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def office(live: LiveServer) -> Office:
    """A fresh office (demo data, new slug) installed in SQL and Redis."""
    from server.store.offices import save_office

    office = office_config()
    await save_office(office)
    await store_of(live).install_office(office)
    return office


def store_of(live: LiveServer) -> QueueStore:
    return live.app.state.runtime["store"]  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
async def keys(live: LiveServer, office: Office) -> dict[str, str]:
    """One API key per device role, for the test's office."""
    from server.api.auth import create_api_key

    redis = store_of(live).redis
    return {
        role: await create_api_key(redis, office.slug, role)
        for role in ("kiosk", "display", "counter", "admin")
    }


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def client(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as c:
        yield c


STAFF_PASSWORD = "correct horse"


class StaffLogin(Protocol):
    def __call__(
        self, official: str | None = None, *, role: str = "official", name: str = ""
    ) -> Awaitable[httpx.AsyncClient]: ...


@pytest.fixture
async def staff_login(live: LiveServer, office: Office) -> AsyncIterator[StaffLogin]:
    """Create a staff user of the test's office and log in: an HTTP client carrying that
    session. `staff_login("dc")` is the DC's official; `staff_login(role="admin")` an admin;
    `name` is the display name audits record (the username when not given)."""
    from server.api.auth import hash_password
    from server.store import models

    clients: list[httpx.AsyncClient] = []

    async def log_in(
        official: str | None = None, *, role: str = "official", name: str = ""
    ) -> httpx.AsyncClient:
        username = f"{official or role}-{secrets.token_hex(4)}"
        await models.StaffUser.create(
            username=username,
            password_hash=hash_password(STAFF_PASSWORD),
            role=role,
            office_id=office.slug,
            official_slug=official,
            display_name=name,
        )
        client = httpx.AsyncClient(base_url=live.url, timeout=30)
        clients.append(client)
        done = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": STAFF_PASSWORD}
        )
        assert done.status_code == 200, done.text
        return client

    yield log_in
    for client in clients:
        await client.aclose()


@pytest.fixture(scope="module")
async def running_stand_in() -> AsyncIterator[GatewayStandIn]:
    """A real HTTP server on loopback playing an SMS gateway, one a test module."""
    from tests.integration.http_stand_in import GatewayStandIn

    async with GatewayStandIn().running() as server:
        yield server


@pytest.fixture
async def notices(live: LiveServer) -> AsyncIterator[Notifications]:
    """The live server's notifications, with earlier tests' messages sent and no rate limit;
    the console gateway again afterwards."""
    from server.hardware.sms import open_gateway
    from server.notify.transports import SmsTransport

    runtime = live.app.state.runtime  # type: ignore[attr-defined]
    notices: Notifications = runtime["notifications"]
    settings = notices.sender.settings
    # No rate limit here: a shared CI Redis may hold other runs' recent events, and their
    # messages must not queue ahead of the test's at five a second.
    notices.sender.settings = settings.model_copy(update={"sms_rate_per_sec": 0.0})
    await notices.sender.replace(SmsTransport(open_gateway("console")))
    await _drain(runtime, notices)
    yield notices
    notices.sender.settings = settings
    notices.webhook_secret = None
    await notices.sender.replace(SmsTransport(open_gateway("console")))


async def _drain(runtime: dict[str, Any], notices: Notifications) -> None:
    """Let earlier tests' messages go out first, so that a gateway a test installs sees only
    its own: the notifier catches up with every office's stream, then the outbox empties."""
    from server.notify import outbox
    from server.queue import keys as redis_keys
    from server.store import models
    from server.store.models import Outbox

    redis = runtime["redis"]
    for office in await models.Office.all().values_list("slug", flat=True):
        stream = redis_keys.events(office)
        newest = await redis.xrevrange(stream, count=1)
        if not newest:
            continue
        try:
            await asyncio.wait_for(runtime["notifier"].processed(office, newest[0][0]), 60)
        except TimeoutError:
            # Say where the notifier stands on this office rather than only that it hangs.
            groups = await redis.xinfo_groups(stream)
            member = await redis.sismember(redis_keys.offices(), office)
            raise AssertionError(
                f"notifier has not handled {office} {newest[0][0]}: groups {groups}, "
                f"in the offices set: {member}, done: {runtime['notifier']._done.get(office)}"
            ) from None

    async def empty() -> bool:
        return not await Outbox.filter(state__in=("queued", "sending")).exists()

    # Messages an earlier test left waiting for a retry go now, through the console gateway,
    # instead of reaching this test's gateway later.
    await Outbox.filter(state="queued").update(next_attempt_at=outbox.utcnow())
    notices.sender.wake()
    await asyncio.wait_for(notices.sender.wait_until(empty), 150)


@pytest.fixture
async def stand_in(
    running_stand_in: GatewayStandIn, notices: Notifications
) -> AsyncIterator[GatewayStandIn]:
    """The gateway stand-in, fresh, once earlier tests' messages are out (see `notices`)."""
    running_stand_in.reset()
    yield running_stand_in
    running_stand_in.reset()
