"""Who is asking: staff sessions (signed cookie, state in Redis) and device API keys."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from redis.asyncio import Redis
from starlette.requests import HTTPConnection

from server.errors import ShebaError
from server.queue import keys
from server.queue.store import Actor
from server.store import models

SESSION_COOKIE = "sheba_session"
USER_ROLES = ("admin", "counter", "official")
KEY_ROLES = ("kiosk", "display", "counter", "admin")
# Five wrong passwords lock the account for five minutes: enough for a typo, too few to guess.
MAX_LOGIN_FAILURES = 5
LOCK_SECS = 5 * 60
API_KEY_PREFIX = "shk_"

_hasher = PasswordHasher()
# A constant hash to verify against when the user does not exist, so that both cases take
# the same time and an attacker cannot tell which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


async def cache_api_key(redis: Redis, row: models.ApiKey) -> None:
    actor = Actor("apikey", str(row.id), row.role, row.office_id, row.label or row.hint)
    await redis.set(keys.api_key(row.digest), json.dumps(asdict(actor)))


async def sync_api_keys(redis: Redis) -> None:
    """Mirror live keys into Redis so that checking a key never touches SQL."""
    for row in await models.ApiKey.filter(revoked_at__isnull=True):
        await cache_api_key(redis, row)


async def create_api_key(redis: Redis | None, office: str, role: str, label: str = "") -> str:
    if role not in KEY_ROLES:
        raise ValueError(f"role must be one of {KEY_ROLES}")
    key = new_api_key()
    row = await models.ApiKey.create(
        digest=key_digest(key), hint=key[:8], role=role, office_id=office, label=label
    )
    if redis is not None:
        await cache_api_key(redis, row)
    return key


# A device's key is looked up in Redis at most this often per process: kiosks send one on
# every request, and a revoked key stops working within this time.
KEY_CACHE_SECS = 10.0


class Sessions:
    """Sessions live in Redis (so logout is real and every worker agrees) behind a signed id."""

    def __init__(self, redis: Redis, secret: str, ttl_secs: int) -> None:
        self.redis = redis
        self.signer = URLSafeSerializer(secret, salt="sheba-session")
        self.ttl_secs = ttl_secs
        self._keys: dict[str, tuple[float, str]] = {}

    async def _api_key(self, key: str) -> str | None:
        digest = key_digest(key)
        cached = self._keys.get(digest)
        now = time.monotonic()
        if cached and now - cached[0] < KEY_CACHE_SECS:
            return cached[1]
        raw = await self.redis.get(keys.api_key(digest))
        if raw is not None:
            if len(self._keys) > 1000:
                self._keys.clear()
            self._keys[digest] = (now, raw)
        return raw

    async def login(self, username: str, password: str, device: str) -> tuple[str, Actor]:
        fail_key = keys.login_failures(username.lower())
        failures = int(await self.redis.get(fail_key) or 0)
        if failures >= MAX_LOGIN_FAILURES:
            raise ShebaError("locked", retry_after_secs=await self.redis.ttl(fail_key))
        user = await models.StaffUser.get_or_none(username=username, active=True)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
            if user is None:
                raise VerificationError()
        except (VerificationError, InvalidHashError):
            pipe = self.redis.pipeline(transaction=True)
            pipe.incr(fail_key)
            pipe.expire(fail_key, LOCK_SECS)
            await pipe.execute()
            raise ShebaError("bad_credentials") from None
        await self.redis.delete(fail_key)
        actor = Actor(
            "user",
            str(user.id),
            user.role,
            user.office_id,
            user.display_name or user.username,
            user.official_slug,
            device[:200],
        )
        session_id = secrets.token_urlsafe(24)
        await self.redis.set(keys.session(session_id), json.dumps(asdict(actor)), ex=self.ttl_secs)
        return self.signer.dumps(session_id), actor

    async def logout(self, cookie: str | None) -> None:
        session_id = self._unsign(cookie)
        if session_id:
            await self.redis.delete(keys.session(session_id))

    async def actor(self, conn: HTTPConnection) -> Actor | None:
        """The staff member or device behind a request or websocket, if any."""
        header = conn.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            raw = await self._api_key(header[7:].strip())
            if raw is None:
                raise ShebaError("unauthorized", "Unknown API key.", "অজানা API কী।")
            return _actor(raw, conn)
        session_id = self._unsign(conn.cookies.get(SESSION_COOKIE))
        if not session_id:
            return None
        raw = await self.redis.get(keys.session(session_id))
        if raw is None:
            return None
        await self.redis.expire(keys.session(session_id), self.ttl_secs)
        return _actor(raw, conn)

    def _unsign(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return str(self.signer.loads(cookie))
        except BadSignature:
            return None


def _actor(raw: str, conn: HTTPConnection) -> Actor:
    fields = json.loads(raw)
    fields["device"] = (
        fields.get("device")
        or conn.headers.get("x-sheba-device", "")[:200]
        or (conn.headers.get("user-agent", "")[:200])
    )
    return Actor(**fields)


def authorise(actor: Actor | None, office: str, roles: tuple[str, ...]) -> Actor:
    """The one check every staff endpoint makes: a known actor, an allowed role, this office."""
    if actor is None:
        raise ShebaError("unauthorized")
    if actor.role not in roles or actor.office != office:
        raise ShebaError("forbidden")
    return actor
