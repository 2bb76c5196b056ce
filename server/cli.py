"""The `sheba` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from server.settings import Settings

PAGES = (
    ("Kiosk", "/kiosk/{office}"),
    ("Counter console", "/counter/{office}"),
    ("Hall display", "/display/{office}"),
    ("Official's screen", "/dc/{office}"),
    ("Health", "/healthz"),
)


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    from tortoise import Tortoise

    from server.store.db import MODELS, run_migrations

    await run_migrations(settings.db_url())
    await Tortoise.init(db_url=settings.db_url(), modules={"models": [MODELS]})
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


async def _nothing() -> None:
    return None


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from server.demo.bootstrap import ensure_demo
    from server.redis_server import EmbeddedRedis

    with contextlib.ExitStack() as stack:
        if not settings.redis_url:
            # One Redis for every worker and the consumers: started here, before them.
            embedded = EmbeddedRedis(settings.data_path())
            os.environ["SHEBA_REDIS_URL"] = embedded.start()
            stack.callback(embedded.stop)
            print(f"Embedded Redis ({embedded.binary}) on {embedded.url}")
        # Migrations run here, once, before any worker or consumer touches the database.
        creds = asyncio.run(_with_db(settings, ensure_demo if settings.create_demo else _nothing))
        base = f"http://{args.host}:{args.port}"
        print(f"\nSheba is starting at {base}")
        for label, path in PAGES:
            print(f"  {label:<18} {base}{path.format(office=settings.default_office)}")
        if creds:
            print("\n" + creds.text())
            saved = settings.data_path() / "demo-credentials.txt"
            saved.write_text(creds.text() + "\n")
            saved.chmod(0o600)
            print(f"(also saved in {saved})\n")
        # Workers read their settings from the environment: hand them what this command chose.
        os.environ["SHEBA_AUTO_MIGRATE"] = "false"
        os.environ.setdefault("SHEBA_PUBLIC_URL", base)
        if settings.run_consumers:
            # The consumers get a process of their own; web workers only serve.
            consumer = _ConsumerProcess()
            stack.callback(consumer.stop)
            os.environ["SHEBA_RUN_CONSUMERS"] = "false"
        # uvicorn re-raises SIGTERM once it has stopped; as an exception it lets the exit
        # stack stop the consumers and the embedded Redis.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        uvicorn.run(
            "server.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            ws_per_message_deflate=False,
            log_level="info",
            # Screens reconnect to the next server by themselves: do not wait on them.
            timeout_graceful_shutdown=10,
        )
    return 0


class _ConsumerProcess:
    """`sheba consume` as a child of `sheba serve`, restarted if it dies."""

    RESTART_SECS = 2.0

    def __init__(self) -> None:
        from server.redis_server import die_with_parent

        self._preexec = die_with_parent
        # The environment as it is now: later changes are for the web workers.
        self._env = {**os.environ, "SHEBA_RUN_CONSUMERS": "true"}
        self._stopping = threading.Event()
        self._process = self._start()
        self._thread = threading.Thread(target=self._supervise, name="consumers", daemon=True)
        self._thread.start()

    def _start(self) -> subprocess.Popen[bytes]:
        # A session of its own: Ctrl-C reaches `serve`, which then stops it in order.
        command = [sys.executable, "-m", "server.cli", "consume"]
        return subprocess.Popen(
            command, env=self._env, start_new_session=True, preexec_fn=self._preexec
        )

    def _supervise(self) -> None:
        while True:
            code = self._process.wait()
            if self._stopping.wait(self.RESTART_SECS):
                return
            print(f"consumer process exited ({code}); restarting", file=sys.stderr)
            self._process = self._start()

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def consume(args: argparse.Namespace, settings: Settings) -> int:
    from server.consumers import run

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s %(message)s")
    asyncio.run(run(settings))
    return 0


def user_add(args: argparse.Namespace, settings: Settings) -> int:
    from server.api.auth import USER_ROLES, hash_password
    from server.store import models

    if args.role not in USER_ROLES:
        print(f"role must be one of {USER_ROLES}", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else ""
    if len(password) < 8:
        print("give a password of at least 8 characters on standard input", file=sys.stderr)
        return 2

    async def work() -> None:
        await models.StaffUser.update_or_create(
            username=args.name,
            defaults={
                "password_hash": hash_password(password),
                "role": args.role,
                "office_id": args.office or settings.default_office,
                "official_slug": args.official,
                "display_name": args.display_name or args.name,
            },
        )

    asyncio.run(_with_db(settings, work))
    print(f"user {args.name} ({args.role}) saved")
    return 0


def apikey_create(args: argparse.Namespace, settings: Settings) -> int:
    from redis.asyncio import Redis

    from server.api.auth import create_api_key

    async def work() -> str:
        redis = (
            Redis.from_url(settings.redis_url, decode_responses=True)
            if (settings.redis_url)
            else None
        )
        try:
            return await create_api_key(
                redis, args.office or settings.default_office, args.role, args.label
            )
        finally:
            if redis is not None:
                await redis.aclose()

    key = asyncio.run(_with_db(settings, work))
    print(key)
    print("Keep it now: it is stored hashed and cannot be shown again.", file=sys.stderr)
    return 0


def office_import(args: argparse.Namespace, settings: Settings) -> int:
    from server.store.offices import office_from_file, save_office

    office = office_from_file(Path(args.file))
    asyncio.run(_with_db(settings, lambda: save_office(office)))
    print(f"office {office.slug} saved; restart `sheba serve` to load it")
    return 0


def printer_test(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from server.hardware.printing import (
        PrinterError,
        TicketData,
        open_printer,
        profile_width,
        render_ticket,
    )

    uri = args.uri or settings.printer()
    sample = TicketData(
        office_name_bn="সেবা — পরীক্ষামূলক টিকিট",
        token_display_bn="ক-০০০",
        token_display="A-000",
        service_name_bn="প্রিন্টার পরীক্ষা",
        counter_bn="কাউন্টার ১",
        people_ahead=0,
        eta_minutes=0,
        issued_at=datetime.now(ZoneInfo(settings.timezone)),
        tracking_url=f"{settings.base_url()}/",
        documents_bn=("বাংলা যুক্তাক্ষর: ক্ষ ত্র জ্ঞ ন্ত্র",),
        instruction_bn="এই টিকিটটি ঠিকমতো ছাপা হলে প্রিন্টার প্রস্তুত।",
    )

    async def work() -> str:
        printer = open_printer(uri, args.profile or settings.printer_profile)
        status = await printer.status()
        print(f"{uri}: {status.state} ({status.message})")
        await printer.print_ticket(render_ticket(sample, profile_width(printer.profile)))
        return printer.profile

    try:
        profile = asyncio.run(work())
    except PrinterError as exc:
        print(f"printing failed: {exc.message}", file=sys.stderr)
        return 1
    print(f"sample ticket sent to {uri} (profile {profile})")
    return 0


def check(args: argparse.Namespace, settings: Settings) -> int:
    from PIL import features

    ok = True
    raqm = features.check("raqm")
    shaping = "ok" if raqm else "MISSING: apt-get install libfribidi0"
    print(f"Bengali text shaping (raqm/fribidi): {shaping}")
    ok &= bool(raqm)
    from server.web.announce import espeak_path

    espeak = espeak_path()
    print(f"hall announcements (espeak-ng): {espeak or 'MISSING: apt-get install espeak-ng'}")

    async def db() -> None:
        from tortoise import connections

        await connections.get("default").execute_query("SELECT 1")

    try:
        asyncio.run(_with_db(settings, db))
        print("database: ok")
    except Exception as exc:
        print(f"database: FAILED ({exc})")
        ok = False
    if settings.redis_url:
        from redis import Redis

        try:
            Redis.from_url(settings.redis_url, socket_timeout=3).ping()
            print("redis: ok")
        except Exception as exc:
            print(f"redis: FAILED ({exc})")
            ok = False
    else:
        from server.redis_server import find_redis_server

        print(f"redis: embedded ({find_redis_server()})")
    ok &= _check_notifications(settings)
    return 0 if ok else 1


def sms_test(args: argparse.Namespace, settings: Settings) -> int:
    from server.hardware.sms import GatewayError, SmsMessage, open_gateway
    from server.notify import mailer_from
    from server.notify.templates import Renderer

    text = Renderer(settings.templates_dir).render("sms.test", args.lang, {})

    async def work() -> str:
        gateway = open_gateway(settings.sms_gateway, mailer=mailer_from(settings))
        try:
            result = await gateway.send(SmsMessage(args.phone, text, f"test-{os.getpid()}"))
        finally:
            await gateway.aclose()
        return f"sent via {gateway.name}: id {result.gateway_message_id}, {result.parts} part(s)"

    try:
        print(asyncio.run(work()))
    except GatewayError as exc:
        print(f"SMS test FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def _reachable(url: str) -> str:
    """Can we open a TCP connection to the host of `url`? (no request is sent)"""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80, "smtps": 465}.get(parts.scheme, 25)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=3).close()
    except OSError as exc:
        return f"UNREACHABLE ({exc})"
    return "ok"


def _check_notifications(settings: Settings) -> bool:
    from server.hardware.sms import open_gateway
    from server.notify import mailer_from

    ok = True
    try:
        gateway = open_gateway(settings.sms_gateway, mailer=mailer_from(settings))
        config = getattr(gateway, "config", None)
        state = _reachable(config.url) if config is not None else "ok"
        print(f"SMS gateway ({gateway.name}): {state}")
        ok &= state == "ok"
    except Exception as exc:
        print(f"SMS gateway: FAILED ({exc})")
        ok = False
    if settings.smtp_url:
        state = _reachable(settings.smtp_url)
        print(f"SMTP: {state}")
        ok &= state == "ok"
    else:
        print("SMTP: not configured (no e-mail)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sheba", description="Sheba (সেবা) one-stop service")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the server")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=serve)
    p = sub.add_parser("consume", help="run the stream's consumers (serve starts this itself)")
    p.set_defaults(func=consume)
    user = sub.add_parser("user", help="staff users").add_subparsers(dest="sub", required=True)
    p = user.add_parser("add", help="add or update a staff user")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    p.add_argument("--office")
    p.add_argument("--official")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=user_add)
    key = sub.add_parser("apikey", help="device API keys").add_subparsers(dest="sub", required=True)
    p = key.add_parser("create", help="create a key (printed once)")
    p.add_argument("--role", required=True)
    p.add_argument("--office")
    p.add_argument("--label", default="")
    p.set_defaults(func=apikey_create)
    office = sub.add_parser("office", help="offices").add_subparsers(dest="sub", required=True)
    p = office.add_parser("import", help="create or update an office from TOML")
    p.add_argument("file")
    p.set_defaults(func=office_import)
    printer = sub.add_parser("printer", help="ticket printer").add_subparsers(
        dest="sub", required=True
    )
    p = printer.add_parser("test", help="print a sample ticket")
    p.add_argument("uri", nargs="?", help="printer URI (default: SHEBA_PRINTER_URI)")
    p.add_argument("--profile", help="escpos profile (default: SHEBA_PRINTER_PROFILE)")
    p.set_defaults(func=printer_test)
    sms = sub.add_parser("sms", help="SMS").add_subparsers(dest="sub", required=True)
    p = sms.add_parser("test", help="send one test SMS through the configured gateway")
    p.add_argument("phone")
    p.add_argument("--lang", choices=("bn", "en"), default="bn")
    p.set_defaults(func=sms_test)
    p = sub.add_parser("check", help="check Redis, database and printing prerequisites")
    p.set_defaults(func=check)
    args = parser.parse_args(argv)
    settings = Settings()
    if getattr(args, "host", None) is None and args.command == "serve":
        args.host = settings.host
    if getattr(args, "port", None) is None and args.command == "serve":
        args.port = settings.port
    return int(args.func(args, settings))


if __name__ == "__main__":
    sys.exit(main())
