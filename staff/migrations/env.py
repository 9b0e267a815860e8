"""Alembic environment of the staff app's tables: the URL comes from the caller (staff.database)."""
from alembic import context

from bot.database import run_migrations_online
from staff.tables import metadata

run_migrations_online(context, metadata, "alembic_version_staff")
