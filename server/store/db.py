"""The database: Tortoise configuration and migrations, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate

MODELS = "server.store.models"
MIGRATIONS = "server.store.migrations"


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": db_url},
        "apps": {
            "models": {
                "models": [MODELS],
                "default_connection": "default",
                "migrations": MIGRATIONS,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def run_migrations(db_url: str) -> None:
    """Bring the schema up to date; safe to run at every start."""
    await migrate(config=tortoise_config(db_url))
    await Tortoise.close_connections()


# For the `tortoise` command: `tortoise -c server.store.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config("sqlite://var/sheba.sqlite3")
