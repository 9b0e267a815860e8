"""The staff app's schema: its own Alembic history, on the assistant's one database."""
from __future__ import annotations

from pathlib import Path

from bot.database import protect_sqlite_file

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(url: str) -> None:
    """Bring the staff tables to the newest revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    protect_sqlite_file(url)
