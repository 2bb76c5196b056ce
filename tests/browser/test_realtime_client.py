"""web/common/realtime.js in Chromium: the offline banner, then resuming the missed events;
the stored position, and `resume: false` starting from a snapshot all the same."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.queue import keys as redis_keys
from server.queue.office import Office
from tests.browser.conftest import needs_chromium
from tests.conftest import LiveServer, bound_socket, store_of
from tests.integration.realtime_client import cycle

pytestmark = [needs_chromium, pytest.mark.browser]
COMMON = Path(__file__).resolve().parents[2] / "web" / "common"
PAGE = """<!doctype html><html lang="bn"><body><script type="module">
import { connect } from "/static/common/realtime.js";
window.snapshots = 0; window.seen = []; window.statuses = [];
window.rt = connect({
  office: "%(office)s", channel: "display", url: new URL("%(url)s"),
  onSnapshot: () => { window.snapshots += 1; },
  onEvent: (e) => window.seen.push(e.type + " " + (e.data.token ? e.data.token.display : "")),
  onStatus: (s) => window.statuses.push(s),
});
</script></body></html>"""

# follow(options) connects once and, as soon as it is online, closes and tells how it began.
FOLLOW_PAGE = """<!doctype html><html lang="bn"><body><script type="module">
import { connect } from "/static/common/realtime.js";
window.follow = (options) => new Promise((done) => {
  let began = "resumed";
  const rt = connect({
    office: "%(office)s", channel: "display", url: new URL("%(url)s"), ...options,
    onSnapshot: (data, meta) => { began = "snapshot " + meta.resumed; },
    onStatus: (s) => { if (s === "online") { rt.close(); done(began); } },
  });
});
window.ready = true;
</script></body></html>"""


class Proxy:
    """A TCP relay in front of the live server that can play a dropped network."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.sock = bound_socket()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.down = False
        self.writers: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    def cut(self) -> None:
        self.down = True
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()

    async def serve(self) -> asyncio.Server:
        return await asyncio.start_server(self._client, sock=self.sock)


@contextlib.asynccontextmanager
async def page_server(html: str) -> AsyncIterator[str]:
    async def index(request: Any) -> HTMLResponse:
        return HTMLResponse(html)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/healthz", index),
            Mount("/static/common", StaticFiles(directory=COMMON)),
        ]
    )
    server = LiveServer(app, bound_socket())
    await server.start()
    yield server.url
    await server.stop()


@pytest.mark.slow
async def test_banner_after_three_seconds_offline_then_missed_events_arrive(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    chromium_page: Any,
) -> None:
    await cycle(client, office, keys["counter"])
    proxy = Proxy(live.url)
    relay = await proxy.serve()
    page = chromium_page
    async with page_server(PAGE % {"office": office.slug, "url": proxy.url}) as url:
        await page.goto(url)
        await page.wait_for_function("window.snapshots === 1")
        await cycle(client, office, keys["counter"])
        await page.wait_for_function("window.seen.length === 2")

        proxy.cut()
        cut_at = time.monotonic()
        await page.wait_for_selector(".rt-banner[role=status]", timeout=10_000)
        assert time.monotonic() - cut_at >= 2.9
        banner = await page.inner_text(".rt-banner")
        assert "সংযোগ বিচ্ছিন্ন" in banner and "Connection lost" in banner
        assert await page.get_attribute(".rt-banner span", "lang") == "en"
        missed = [await cycle(client, office, keys["counter"]) for _ in range(3)]
        assert len(missed) == 3

        proxy.down = False
        await page.wait_for_function("window.seen.length === 8", timeout=40_000)
        await page.wait_for_selector(".rt-banner", state="detached")
        seen = await page.evaluate("window.seen")
        assert seen == [
            f"token.{kind} B-{n:03d}" for n in range(2, 6) for kind in ("called", "completed")
        ]
        # Resumed, not reloaded: still the one snapshot.
        assert await page.evaluate("window.snapshots") == 1
        assert (await page.evaluate("window.statuses"))[-1] == "online"
        await page.evaluate("window.rt.close()")
    relay.close()


async def test_a_stored_position_resumes_unless_resume_is_false(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    chromium_page: Any,
) -> None:
    await cycle(client, office, keys["counter"])
    page = chromium_page
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    async with page_server(FOLLOW_PAGE % {"office": office.slug, "url": live.url}) as url:
        await page.goto(url)
        await page.wait_for_function("window.ready === true")
        # Nothing stored yet: a snapshot nobody asked to resume.
        assert await page.evaluate("follow({})") == "snapshot null"
        await cycle(client, office, keys["counter"])
        assert await page.evaluate("follow({})") == "resumed"
        assert await page.evaluate("follow({resume: false})") == "snapshot null"
        assert "since=" in sockets[1] and "since=" not in sockets[2]
        # What `resume: false` saw is kept for the next connection to resume from.
        stored = await page.evaluate(
            f"JSON.parse(sessionStorage.getItem('sheba.realtime.{office.slug}.display'))"
        )
        newest = await store_of(live).redis.xrevrange(redis_keys.events(office.slug), count=1)
        assert stored == {"id": newest[0][0], "epoch": "1"}
        assert await page.evaluate("follow({resume: true})") == "resumed"
    assert len(sockets) == 4


KEYED_PAGE = """<!doctype html><html lang="bn"><body><script type="module">
import { connect } from "/static/common/realtime.js";
window.refused = 0; window.snapshots = 0; window.statuses = []; window.seen = [];
connect({
  office: "%(office)s", channel: "display", url: new URL("%(url)s"), key: "shk_revoked",
  onKeyRefused: () => { window.refused += 1; },
  onSnapshot: () => { window.snapshots += 1; },
  onEvent: (e) => window.seen.push(e.type),
  onStatus: (s) => window.statuses.push(s),
});
</script></body></html>"""


async def test_a_refused_device_key_on_a_public_channel_is_dropped_not_the_screen(
    live: LiveServer,
    client: httpx.AsyncClient,
    office: Office,
    keys: dict[str, str],
    chromium_page: Any,
) -> None:
    page = chromium_page
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    async with page_server(KEYED_PAGE % {"office": office.slug, "url": live.url}) as url:
        await page.goto(url)
        # Refused, then back at once without the key, resuming where the snapshot left off.
        await page.wait_for_function(
            "window.refused === 1 && window.statuses.join() === 'connecting,online,offline,online'"
        )
        # The screen stays on the channel without its key and goes on showing calls.
        await cycle(client, office, keys["counter"])
        await page.wait_for_function("window.seen.includes('token.called')")
        assert len(sockets) == 2 and await page.evaluate("window.refused") == 1
