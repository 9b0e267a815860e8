"""One database for everything: engines, sessions and migrations.

Engines are created on demand, never at import time, so a test or a worker can point at its own URL.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "var"


def ensure_sqlite_dir(url: str) -> None:
    """Creates a SQLite file's folder readable by the owner only (conversations are health data)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder == DEFAULT_DATA_DIR:
            folder.chmod(0o700)


def protect_sqlite_file(url: str) -> None:
    """The database file readable and writable by the owner only, however it was created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            path = Path(parsed.database + suffix)
            if path.exists():
                path.chmod(0o600)


def harden_sqlite(engine: Engine) -> None:
    """Foreign keys on, and secure_delete: deleted conversations are overwritten, not left in free
    pages of the file."""
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    ensure_sqlite_dir(url)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        harden_sqlite(engine)
    return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back whole if it raises."""
    session = sessionmaker(bind=engine_for(url), future=True)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migrate(url: str, migrations: Path = MIGRATIONS) -> None:
    """Bring the schema to the newest Alembic revision of one history: the assistant's (bot/migrations)
    by default, or another that shares the database (the staff app's)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    protect_sqlite_file(url)


def run_migrations_online(context, metadata, version_table: str) -> None:
    """What each Alembic history's env.py does: migrate on the caller's URL (never one from a file),
    in batch mode on SQLite, recording its revision in its own version table."""
    engine = engine_for(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite", version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
