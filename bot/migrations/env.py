"""Alembic environment: the URL comes from the caller (bot.database.migrate), never from a file."""
from alembic import context

from bot.content.models import Base
from bot.database import engine_for

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = engine_for(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table="alembic_version_assistant",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
