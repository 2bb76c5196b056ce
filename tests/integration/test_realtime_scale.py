"""The realtime hub under load and across processes: slow consumers, two servers."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from server.queue.office import Office
from server.queue.store import Actor, QueueStore
from tests.conftest import LiveServer, bound_socket, store_of
from tests.integration.realtime_client import call_next, complete, issue, recv, ws_connect

ROOT = Path(__file__).resolve().parents[2]


async def _raw_stalled_socket(url: str, office: str) -> socket.socket:
    """A websocket client that completes the handshake and then never reads a byte.

    A tiny receive buffer makes the kernel stop accepting data early, as a phone on a dead
    Wi-Fi would, so the server's send buffer fills and its per-socket queue backs up.
    """
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, (host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws/{office}/display HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    await loop.sock_sendall(sock, request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += await loop.sock_recv(sock, 1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def _events(store: QueueStore, office: str, n: int) -> None:
    """n calls and n completions, straight through the store (each one event)."""
    staff = Actor("apikey", "test", "counter", office)
    for _ in range(n):
        await store.issue(office, "B", "+8801712345678", actor=staff)
        called = await store.call(office, 2)
        await store.transition(office, called.data["token"]["id"], "complete")


@contextlib.asynccontextmanager
async def _server_process(
    backend: dict[str, str], db_url: str, sndbuf: int | None = None
) -> AsyncIterator[str]:
    """`sheba serve` as another process would run it, on a socket bound here."""
    sock = bound_socket()
    if sndbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    env = {
        **os.environ,
        "SHEBA_REDIS_URL": backend["redis_url"],
        "SHEBA_DATABASE_URL": db_url,
        "SHEBA_DATA_DIR": backend["data_dir"],
        "SHEBA_CREATE_DEMO": "false",
        # These processes only serve sockets. Their consumers would join the test server's
        # consumer groups on the same Redis and take its events into another database.
        "SHEBA_RUN_CONSUMERS": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory"]
    command += ["--fd", str(sock.fileno()), "--log-level", "warning"]
    command += ["--ws-per-message-deflate", "false"]
    process = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=ROOT, pass_fds=[sock.fileno()]
    )
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=2) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 20)


@pytest.mark.slow
async def test_slow_consumer_is_dropped_while_others_get_every_event(
    live: LiveServer, backend: dict[str, str], office: Office, tmp_path: Path
) -> None:
    store = store_of(live)
    db_url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    # A small kernel send buffer on the server side (accepted sockets inherit it from the
    # listener) so that a stalled reader backs the hub's queue up after hundreds of events
    # rather than after the ~4 MB a loopback socket would otherwise absorb.
    async with (
        _server_process(backend, db_url, sndbuf=16384) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        ws_url = "ws" + url.removeprefix("http")
        others = [await ws_connect(ws_url, office.slug, "display") for _ in range(100)]
        try:
            for ws in others:
                assert (await recv(ws))["type"] == "snapshot"
            stalled = await _raw_stalled_socket(url, office.slug)
            sent = 0
            for _ in range(100):
                await _events(store, office.slug, 10)
                sent += 20
                if 'reason="slow"' in (await client.get("/metrics")).text:
                    break
            assert 'sheba_ws_dropped_total{reason="slow"} 1' in (await client.get("/metrics")).text

            async def every_event(ws: ClientConnection) -> list[str]:
                return [(await recv(ws))["type"] for _ in range(sent)]

            received = await asyncio.gather(*(every_event(ws) for ws in others))
            assert all(r == ["token.called", "token.completed"] * (sent // 2) for r in received)
            # Once the stalled client reads again, the last thing it finds is a 1013 close.
            assert await _close_frame(stalled) == b"\x88\x02\x03\xf5"
        finally:
            await asyncio.gather(*(ws.close() for ws in others))


async def _close_frame(sock: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    data = b""
    while True:
        chunk = await asyncio.wait_for(loop.sock_recv(sock, 65536), 15)
        data += chunk
        if not chunk or b"\x88\x02" in data[-4:]:
            break
    sock.close()
    return data[-4:]


@pytest.fixture
async def two_servers(
    live: LiveServer, backend: dict[str, str], tmp_path: Path
) -> AsyncIterator[tuple[str, str]]:
    """Two more server processes on the live server's Redis, serving sockets only."""
    db_url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    async with _server_process(backend, db_url) as a, _server_process(backend, db_url) as b:
        yield a, b


@pytest.mark.slow
async def test_call_through_one_process_reaches_a_display_on_another(
    two_servers: tuple[str, str], office: Office, keys: dict[str, str]
) -> None:
    a, b = two_servers
    ws_b = "ws" + b.removeprefix("http")
    async with ws_connect(ws_b, office.slug, "display") as ws:
        assert (await recv(ws))["type"] == "snapshot"
        async with httpx.AsyncClient(base_url=a, timeout=10) as client_a:
            await issue(client_a, office, keys["counter"])
            called = await call_next(client_a, office, keys["counter"])
        event = await recv(ws)
        assert event["type"] == "token.called"
        assert event["data"]["token"]["display"] == called["display"]


DISPLAYS = 1000
CALLS = 20


async def _calls_until(ws: ClientConnection, want: int, seen: list[str]) -> str:
    """Read until `seen` holds `want` called tokens; the last stream id read."""
    last = ""
    while len(seen) < want:
        message = await recv(ws)
        last = message.get("id", last)
        if message["type"] == "token.called":
            seen.append(message["data"]["token"]["display"])
    return last


@pytest.mark.slow
@pytest.mark.one_backend
async def test_a_thousand_displays_on_two_processes_get_every_call_in_order_across_a_reconnect(
    two_servers: tuple[str, str], office: Office, keys: dict[str, str]
) -> None:
    a, b = two_servers
    async with httpx.AsyncClient(base_url=a, timeout=10) as client:
        urls = ["ws" + a.removeprefix("http"), "ws" + b.removeprefix("http")]
        displays: list[ClientConnection] = []
        for start in range(0, DISPLAYS, 100):
            displays += await asyncio.gather(
                *(
                    ws_connect(urls[i % 2], office.slug, "display")
                    for i in range(start, start + 100)
                )
            )
        epochs = [(await recv(ws))["epoch"] for ws in displays]
        seen: list[list[str]] = [[] for _ in displays]
        expected: list[str] = []

        async def make_calls(n: int) -> None:
            for _ in range(n):
                await issue(client, office, keys["counter"])
                called = await call_next(client, office, keys["counter"])
                expected.append(called["display"])
                await complete(client, office, keys["counter"], called["id"])

        try:
            await make_calls(CALLS // 2)
            last = await asyncio.gather(
                *(_calls_until(ws, CALLS // 2, s) for ws, s in zip(displays, seen, strict=True))
            )
            # Every other screen loses its connection; the calls go on without them.
            dropped = range(0, DISPLAYS, 2)
            await asyncio.gather(*(displays[i].close() for i in dropped))
            await make_calls(CALLS - CALLS // 2)
            for start in range(0, len(dropped), 100):
                batch = dropped[start : start + 100]
                reopened = await asyncio.gather(
                    *(
                        ws_connect(
                            urls[i % 2], office.slug, "display", since=last[i], epoch=epochs[i]
                        )
                        for i in batch
                    )
                )
                for i, ws in zip(batch, reopened, strict=True):
                    displays[i] = ws
                    assert (await recv(ws))["type"] == "resumed"
            await asyncio.gather(
                *(_calls_until(ws, CALLS, s) for ws, s in zip(displays, seen, strict=True))
            )
            assert all(s == expected for s in seen)
        finally:
            await asyncio.gather(*(ws.close() for ws in displays), return_exceptions=True)
