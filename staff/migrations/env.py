"""Alembic environment of the staff app's tables: the URL comes from the caller (staff.database)."""
from alembic import context

from bot.database import engine_for
from staff.tables import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    engine = engine_for(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table="alembic_version_staff",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
