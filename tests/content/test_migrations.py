"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.content.models import Base
from bot.database import engine_for


def test_migrations_match_the_models(database_url):
    with engine_for(database_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in differences if not (d[0] == "remove_table" and d[1].name.startswith(("alembic_", "events")))]
    assert ours == []
