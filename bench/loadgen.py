"""A lean HTTP/1.1 keep-alive load generator on asyncio streams, for the benchmarks.

httpx spends more CPU per request than the server under test; this speaks just enough
HTTP/1.1 (Content-Length bodies, keep-alive) to measure a Starlette app on loopback.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self, host: str) -> bytes:
        payload = json.dumps(self.body).encode() if self.body is not None else b""
        lines = [
            f"{self.method} {self.path} HTTP/1.1",
            f"Host: {host}",
            f"Content-Length: {len(payload)}",
            "Content-Type: application/json",
        ]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request.encode(f"{self.host}:{self.port}"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def closed_loop(
    host: str, port: int, make: Callable[[int], Request], *, concurrency: int, seconds: float
) -> dict[str, float]:
    """As many requests as `concurrency` connections can do back to back."""
    counter = iter(range(10**9))
    done = 0
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done, errors
        conn = Connection(host, port)
        while time.perf_counter() < deadline:
            status, _ = await conn.send(make(next(counter)))
            done += 1
            errors += status >= 400
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"rps": round(done / elapsed, 1), "errors": errors}


async def open_loop(
    host: str,
    port: int,
    make: Callable[[int], Request],
    *,
    rate: float,
    seconds: float,
    connections: int = 64,
) -> dict[str, float]:
    """Requests sent on a fixed schedule; latency counts from when each was due."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(host, port))
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    total = int(rate * seconds)
    tasks = []

    async def one(i: int, due: float) -> None:
        nonlocal errors
        conn = await pool.get()
        try:
            status, _ = await conn.send(make(i))
            errors += status >= 400
            latencies.append((time.perf_counter() - due) * 1000)
        finally:
            pool.put_nowait(conn)

    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        await pool.get_nowait().close()
    return {
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "errors": errors,
    }
