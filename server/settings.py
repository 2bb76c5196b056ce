"""The one settings object, read once from SHEBA_* environment variables (and `.env`)."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable about a Sheba process.

    `redis_url` and `database_url` left empty mean "embedded": a redis-server child process on
    a unix socket and SQLite, both inside `data_dir`.
    """

    model_config = SettingsConfigDict(
        env_prefix="SHEBA_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Path("var")
    redis_url: str | None = None
    database_url: str | None = None
    # Signs session cookies. Left empty, a random key is kept in the data dir so that
    # sessions survive a restart and every worker of one host agrees on it.
    secret_key: str | None = Field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    timezone: str = "Asia/Dhaka"
    default_office: str = "magura"
    create_demo: bool = True
    auto_migrate: bool = True
    # Consumers (persister, notifier, spooler) run in every server process unless switched
    # off here, e.g. to run them in a process of their own.
    run_consumers: bool = True
    # `sheba consume` runs at this niceness (0-19): SQL, SMS and printing can wait a few
    # milliseconds, a citizen at the kiosk or a screen in the hall should not.
    consumer_nice: int = Field(default=10, ge=0, le=19)
    # For a hall of thousands of screens: keep long-lived objects out of the garbage
    # collector's full passes (see server/gc_policy.py). Off by default.
    gc_freeze: bool = False
    # How long live events stay in the stream: a whole business day and more, so a screen
    # that was offline all day can still resume instead of reloading.
    stream_retention_secs: int = 36 * 3600
    max_body_bytes: int = 16 * 1024
    session_ttl_secs: int = 12 * 3600
    cookie_secure: bool = False
    # Unset: capture://{data_dir}/tickets (each ticket filed as PNG + ESC/POS bytes). A
    # relative capture:// directory is relative to the current directory.
    printer_uri: str | None = None
    # python-escpos profile: fixes the ticket's width (TM-T20II 576 dots, TM-T88V 512).
    printer_profile: str = "TM-T20II"
    # Tokens issued by staff print only when asked; kiosk tokens always print.
    print_staff_tokens: bool = False
    # console | http:NAME_OR_PATH | email:DOMAIN (see server/hardware/sms/gateway.py)
    sms_gateway: str = "console"
    # Longer texts are cut at a letter boundary with an ellipsis: each part is billed.
    sms_max_parts: int = 3
    # HMAC-SHA256 key the SMS gateway signs inbound replies with; unset, none are accepted.
    sms_webhook_secret: str | None = Field(default=None, repr=False)
    # smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host; unset, no e-mail.
    smtp_url: str | None = Field(default=None, repr=False)
    smtp_from: str | None = None
    # Notifications (server/notify). A notifier that first meets a stream skips events older
    # than this, so a newly added notifier never texts yesterday's citizens.
    notify_max_event_age_secs: int = 30 * 60
    # "You are next but two": sent to the token that becomes this many-th in its queue.
    notify_next_but: int = 3
    # Office overrides of server/notify/templates: {lang}/{event type}.txt.j2 files.
    templates_dir: Path | None = None
    notify_max_attempts: int = 6
    notify_backoff_base_secs: float = 2.0
    notify_backoff_max_secs: float = 300.0
    # Consecutive retryable failures (of at least two messages) that open the breaker.
    notify_breaker_failures: int = 5
    notify_breaker_cooldown_secs: float = 30.0
    notify_breaker_max_cooldown_secs: float = 600.0
    # Per gateway, per process: Bangladeshi bulk-SMS accounts throttle around 5-10/s.
    sms_rate_per_sec: float = 5.0
    mail_rate_per_sec: float = 2.0
    # A row left in 'sending' longer than this belonged to a process that died mid-send;
    # it must exceed the gateway timeout, or a slow send would be taken for a dead one.
    notify_sending_lease_secs: float = 120.0

    def data_path(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def sqlite_url(self) -> str:
        return f"sqlite://{(self.data_path() / 'sheba.sqlite3').resolve()}"

    def db_url(self) -> str:
        url = self.database_url or self.sqlite_url()
        # Tortoise spells PostgreSQL "postgres://"; accept the common "postgresql://" too.
        return url.replace("postgresql://", "postgres://", 1)

    def signing_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_path() / "secret.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def printer(self) -> str:
        return self.printer_uri or f"capture://{self.data_dir / 'tickets'}"

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
