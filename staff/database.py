"""The staff app's schema: its own Alembic history, on the assistant's one database."""
from __future__ import annotations

from pathlib import Path

from bot import database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(url: str) -> None:
    """Bring the staff tables to the newest revision (idempotent)."""
    database.migrate(url, MIGRATIONS)
