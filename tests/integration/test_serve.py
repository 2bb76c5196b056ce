"""`sheba serve` as a user runs it: its own embedded Redis, SQLite, and the consumers in a
process of their own that stops with it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
import time
from pathlib import Path

import httpx
import pytest

from server.settings import Settings
from server.store.db import run_migrations

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(proc.name), cmdline))
    return found


async def _until(check: object, within: float) -> object:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if result := check():  # type: ignore[operator]
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"not true within {within} s")


async def _exited(pid: int, within: float) -> None:
    """Until the process (not a child of ours) has ended: its pidfd becomes readable."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(fd, lambda: ended.done() or ended.set_result(None))
    try:
        async with asyncio.timeout(within):
            await ended
    finally:
        loop.remove_reader(fd)
        os.close(fd)


def _tokens_in(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM token").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


@pytest.mark.slow
async def test_serve_runs_consumers_in_their_own_process_and_stops_them(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHEBA_")},
        "SHEBA_DATA_DIR": str(tmp_path),
        "SHEBA_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "serve",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:

            async def healthy() -> bool:
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            deadline = time.monotonic() + 60
            while not await healthy():
                assert time.monotonic() < deadline, "sheba serve did not come up"
                assert process.returncode is None, "sheba serve exited"
                await asyncio.sleep(0.2)
            consumer = [pid for pid, cmd in _children(process.pid) if "server.cli consume" in cmd]
            assert len(consumer) == 1
            credentials = (tmp_path / "demo-credentials.txt").read_text()
            kiosk = next(
                line.split()[1]
                for line in credentials.splitlines()
                if line.strip().startswith("kiosk ")
            )
            issued = await client.post(
                "/api/v1/offices/magura/tokens",
                json={"service": "A", "phone": "01712345678"},
                headers={"Authorization": f"Bearer {kiosk}"},
            )
            assert issued.status_code == 201, issued.text
        # Only the consumer process writes tokens to SQL: the web worker runs none.
        await _until(lambda: _tokens_in(tmp_path / "sheba.sqlite3") == 1, 30)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    await _exited(consumer[0], 15)


@pytest.mark.one_backend
async def test_consume_stops_cleanly_on_sigterm(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    await run_migrations(settings.db_url())  # as `sheba serve` does before starting it
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHEBA_")},
        "SHEBA_DATA_DIR": str(tmp_path),
        "SHEBA_REDIS_URL": redis_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "consume",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(30):
            while b"consumers running" not in (line := await process.stderr.readline()):
                assert line, "sheba consume exited before its consumers ran"
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            rest = await process.stderr.read()
            await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert b"Traceback" not in rest, rest.decode()
    assert process.returncode == 0
