"""Offices in SQL: import from TOML, load for Redis, and the demo office."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from tortoise.transactions import in_transaction

from server.queue.office import Office
from server.store import models

DEMO_OFFICE = "magura"


def demo_office() -> Office:
    text = (resources.files("server.demo") / "magura.toml").read_text(encoding="utf-8")
    return Office.from_dict(tomllib.loads(text))


def office_from_file(path: Path) -> Office:
    with path.open("rb") as f:
        return Office.from_dict(tomllib.load(f))


async def save_office(office: Office) -> None:
    """Create or update an office and its services, counters and officials."""
    async with in_transaction():
        row, _ = await models.Office.update_or_create(
            slug=office.slug,
            defaults={
                "name_bn": office.name_bn,
                "name_en": office.name_en,
                "config": office.to_dict(),
            },
        )
        for s in office.services.values():
            await models.Service.update_or_create(
                office=row,
                code=s.code,
                defaults={
                    "prefix_bn": s.prefix_bn,
                    "name_bn": s.name_bn,
                    "name_en": s.name_en,
                    "charter": {
                        "max_time_bn": s.max_time_bn,
                        "documents_bn": list(s.documents_bn),
                        "fee_bn": s.fee_bn,
                        "officer_bn": s.officer_bn,
                    },
                },
            )
        for c in office.counters.values():
            await models.Counter.update_or_create(
                office=row,
                number=c.number,
                defaults={
                    "name_bn": c.name_bn,
                    "name_en": c.name_en,
                    "services": list(c.services),
                    "state": {"pause": "paused", "close": "closed"}.get(
                        c.initial_state, c.initial_state
                    ),
                },
            )
        for o in office.officials.values():
            await models.Official.update_or_create(
                office=row,
                slug=o.slug,
                defaults={
                    "name_bn": o.name_bn,
                    "name_en": o.name_en,
                    "title_bn": o.title_bn,
                    "title_en": o.title_en,
                    "email": o.email,
                },
            )


async def load_offices() -> list[tuple[Office, int]]:
    """Every office with its epoch."""
    return [(Office.from_dict(row.config), row.epoch) for row in await models.Office.all()]
