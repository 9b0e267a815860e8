"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL: the
assistant's (bot/migrations, bot.content.models) and the staff app's (staff/migrations, staff.tables).
Rasa's `events` table is created by bot/migrations too, as Rasa defines it (not by our models)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.content.models import Base
from bot.database import engine_for
from staff.database import migrate as migrate_staff
from staff.tables import metadata as staff_metadata


def _table_of(difference) -> str:
    """The table an added or removed table or index belongs to ("" for column changes: always kept)."""
    subject = difference[1] if isinstance(difference, tuple) else None
    table = getattr(subject, "table", None)
    return getattr(subject, "name", "") if table is None else table.name


def _differences(database_url: str, metadata, others: tuple[str, ...]) -> list:
    with engine_for(database_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    return [d for d in differences if not _table_of(d).startswith(others)]


def test_migrations_match_the_models(database_url):
    assert _differences(database_url, Base.metadata, ("alembic_", "events", "staff_")) == []


def test_the_staff_migrations_match_the_staff_tables(database_url):
    migrate_staff(database_url)
    assert _differences(database_url, staff_metadata, ("alembic_", "events", "content_")) == []


def test_rasa_events_table_is_made_as_rasa_makes_it(database_url):
    from sqlalchemy import inspect

    engine = engine_for(database_url)
    columns = {c["name"]: c for c in inspect(engine).get_columns("events")}
    assert set(columns) == {"id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}
    assert not columns["sender_id"]["nullable"] and not columns["type_name"]["nullable"]
    assert "ix_events_sender_id" in {i["name"] for i in inspect(engine).get_indexes("events")}
