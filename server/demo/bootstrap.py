"""The demo office on an empty database: Magura's services, counters, officials and staff."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from server.api.auth import create_api_key, hash_password
from server.store import models
from server.store.offices import demo_office, save_office


@dataclass
class DemoCredentials:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role
    keys: list[tuple[str, str]] = field(default_factory=list)  # role, key

    def text(self) -> str:
        lines = ["Demo staff logins (username / password / role):"]
        lines += [f"  {u:<12} {p:<16} {r}" for u, p, r in self.users]
        lines.append("Demo device API keys (role: key):")
        lines += [f"  {r:<8} {k}" for r, k in self.keys]
        return "\n".join(lines)


async def ensure_demo() -> DemoCredentials | None:
    """Create the demo office and its people if the database has no office yet."""
    if await models.Office.exists():
        return None
    office = demo_office()
    await save_office(office)
    creds = DemoCredentials()

    async def user(username: str, role: str, name: str, official: str | None = None) -> None:
        password = secrets.token_urlsafe(9)
        await models.StaffUser.create(
            username=username,
            display_name=name,
            password_hash=hash_password(password),
            role=role,
            office_id=office.slug,
            official_slug=official,
        )
        creds.users.append((username, password, role))

    await user("admin", "admin", "Administrator")
    for number, counter in office.counters.items():
        await user(f"counter{number}", "counter", counter.name_bn)
    for slug, official in office.officials.items():
        await user(slug, "official", official.name_bn, slug)
    for role in ("kiosk", "display", "counter"):
        creds.keys.append((role, await create_api_key(None, office.slug, role, f"demo {role}")))
    return creds
