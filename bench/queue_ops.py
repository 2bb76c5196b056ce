"""Queue throughput and latency, against a bare Starlette + Lua reference. Prints one JSON line.

    python bench/queue_ops.py [--seconds 5]

Measures, on one uvicorn worker and on two: tokens issued per second (closed loop, 50
connections), p50/p99 of issue and of call-next at a steady 300 requests/s (open loop), and
the same closed loop against `bench/bare_reference.py`. Targets: issue throughput >= 40 % of
the bare reference; p99 <= 10 ms at 300/s; two workers >= 1.7x one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import Request, closed_loop, open_loop  # noqa: E402
from server.queue.office import Counter  # noqa: E402
from server.redis_server import EmbeddedRedis  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare_database(db_url: str, redis_url: str) -> dict[str, str]:
    from tortoise import Tortoise

    from server.api.auth import create_api_key
    from server.store.db import MODELS, run_migrations
    from server.store.offices import demo_office, save_office

    office = demo_office()
    services = tuple(office.services)
    office = replace(
        office,
        policy="pooled",
        phone_daily_limit=0,
        hours_enforced=False,
        counters={n: Counter(n, f"কাউন্টার {n}", f"Counter {n}", services) for n in range(1, 9)},
    )
    await run_migrations(db_url)
    await Tortoise.init(db_url=db_url, modules={"models": [MODELS]})
    await save_office(office)
    keys = {role: await create_api_key(None, office.slug, role) for role in ("kiosk", "counter")}
    await Tortoise.close_connections()
    return keys


def start_server(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )


def wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(30)


def issue_request(key: str) -> callable:
    auth = {"Authorization": f"Bearer {key}"}
    return lambda i: Request(
        "POST",
        "/api/v1/offices/magura/tokens",
        {"service": "ABCDEFG"[i % 7], "phone": f"0171{i % 10_000_000:07d}"},
        auth,
    )


async def call_next_open_loop(port: int, key: str, rate: float, seconds: float) -> dict:
    """Call-next at a steady rate over eight counters; each completes before calling again."""
    from bench.loadgen import Connection, percentile

    auth = {"Authorization": f"Bearer {key}"}
    locks = {n: asyncio.Lock() for n in range(1, 9)}
    conns = {n: Connection("127.0.0.1", port) for n in range(1, 9)}
    latencies: list[float] = []
    errors = 0

    async def one(i: int, due: float) -> None:
        nonlocal errors
        counter = i % 8 + 1
        async with locks[counter]:
            status, body = await conns[counter].send(
                Request("POST", f"/api/v1/offices/magura/counters/{counter}/call-next", None, auth)
            )
            latencies.append((time.perf_counter() - due) * 1000)
            if status != 200:
                errors += 1
                return
            token = json.loads(body)["id"]
            await conns[counter].send(
                Request("POST", f"/api/v1/offices/magura/tokens/{token}/complete", None, auth)
            )

    start = time.perf_counter()
    tasks = []
    for i in range(int(rate * seconds)):
        due = start + i / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    return {
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "errors": errors,
    }


def measure_sheba(workers: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis:
        db_url = f"sqlite://{tmp}/sheba.sqlite3"
        keys = asyncio.run(prepare_database(db_url, redis.url))
        port = free_port()
        server = start_server(
            "server.app:create_app",
            port,
            workers,
            {
                "SHEBA_REDIS_URL": redis.url,
                "SHEBA_DATABASE_URL": db_url,
                "SHEBA_DATA_DIR": tmp,
                "SHEBA_CREATE_DEMO": "false",
                "SHEBA_AUTO_MIGRATE": "false",
            },
        )
        try:
            wait_ready(port, "/healthz")
            make = issue_request(keys["kiosk"])
            throughput = asyncio.run(
                closed_loop("127.0.0.1", port, make, concurrency=50, seconds=seconds)
            )
            issue = asyncio.run(open_loop("127.0.0.1", port, make, rate=300, seconds=seconds))
            call = asyncio.run(call_next_open_loop(port, keys["counter"], 300, seconds))
        finally:
            stop(server)
    return {
        "issue_rps": throughput["rps"],
        "issue_errors": throughput["errors"],
        "issue_300": issue,
        "call_next_300": call,
    }


def measure_bare(workers: int, seconds: float) -> float:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp)) as redis:
        port = free_port()
        server = start_server(
            "bench.bare_reference:create_app", port, workers, {"BENCH_REDIS_URL": redis.url}
        )
        try:
            wait_ready(port, "/")
            make = lambda i: Request("POST", "/issue", {"phone": str(i)})  # noqa: E731
            result = asyncio.run(
                closed_loop("127.0.0.1", port, make, concurrency=50, seconds=seconds)
            )
        finally:
            stop(server)
    return float(result["rps"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    one = measure_sheba(1, args.seconds)
    two = measure_sheba(2, args.seconds)
    bare = measure_bare(1, args.seconds)
    print(
        json.dumps(
            {
                "bench": "queue_ops",
                "one_worker": one,
                "two_workers": two,
                "bare_reference_rps": bare,
                "issue_vs_bare": round(one["issue_rps"] / bare, 3),
                "two_vs_one": round(two["issue_rps"] / one["issue_rps"], 3),
                "targets": {
                    "issue_vs_bare": ">= 0.40",
                    "p99_ms_at_300": "<= 10",
                    "two_vs_one": ">= 1.7",
                },
            }
        )
    )


if __name__ == "__main__":
    main()
